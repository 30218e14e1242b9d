/**
 * Calendar facts in Asia/Bangkok: month keys, the Thai government fiscal year and its quarters,
 * Buddhist-Era years, Thai month names and the report date format.
 *
 * Bangkok is UTC+7 all year (no daylight saving since 1920), so a fixed offset is exact and much
 * cheaper than `Intl`, which matters when the dashboard buckets 10,000 stories on every request.
 */

/** Bangkok's offset from UTC: +7 hours, all year. */
export const BANGKOK_UTC_OFFSET_MS = 7 * 60 * 60 * 1000;

/** Buddhist-Era year = Gregorian (CE) year + 543. */
export const BUDDHIST_ERA_OFFSET = 543;

/** The fiscal year starts on 1 October (month 10) of the previous calendar year. */
const FISCAL_YEAR_START_MONTH = 10;

export type FiscalQuarter = 1 | 2 | 3 | 4;

export const THAI_MONTH_NAMES = [
  'มกราคม',
  'กุมภาพันธ์',
  'มีนาคม',
  'เมษายน',
  'พฤษภาคม',
  'มิถุนายน',
  'กรกฎาคม',
  'สิงหาคม',
  'กันยายน',
  'ตุลาคม',
  'พฤศจิกายน',
  'ธันวาคม',
] as const;

export const THAI_MONTH_ABBREVIATIONS = [
  'ม.ค.',
  'ก.พ.',
  'มี.ค.',
  'เม.ย.',
  'พ.ค.',
  'มิ.ย.',
  'ก.ค.',
  'ส.ค.',
  'ก.ย.',
  'ต.ค.',
  'พ.ย.',
  'ธ.ค.',
] as const;

/** A calendar date in Bangkok. `month` is 1..12, `year` is Gregorian (CE). */
export interface BangkokDate {
  year: number;
  month: number;
  day: number;
}

/** Where an instant falls, as stored on posts and stories (`period`). */
export interface Period {
  /** Bangkok calendar month, `YYYY-MM` in CE, e.g. `2021-06`. */
  monthKey: string;
  /** Fiscal year in BE, e.g. 2564 for 2020-10-01..2021-09-30. */
  fiscalYear: number;
  /** Fiscal quarter 1..4; Q1 is October..December. */
  quarter: FiscalQuarter;
  /** `2564-Q3`. */
  quarterKey: string;
}

/** A half-open UTC interval `[start, end)`. */
export interface InstantRange {
  start: Date;
  end: Date;
}

function assertValidInstant(instant: Date): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Expected a valid Date, got an invalid one');
  return ms;
}

function assertMonth(month: number): void {
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`Expected a month 1..12, got ${month}`);
  }
}

function assertFiscalYear(fiscalYear: number): void {
  // BE years: anything below 2400 (CE 1857) is almost certainly a CE year passed by mistake.
  if (!Number.isInteger(fiscalYear) || fiscalYear < 2400) {
    throw new RangeError(`Expected a Buddhist-Era fiscal year such as 2564, got ${fiscalYear}`);
  }
}

function assertQuarter(quarter: number): asserts quarter is FiscalQuarter {
  if (quarter !== 1 && quarter !== 2 && quarter !== 3 && quarter !== 4) {
    throw new RangeError(`Expected a fiscal quarter 1..4, got ${quarter}`);
  }
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** The Bangkok calendar date of an instant. */
export function bangkokDateOf(instant: Date): BangkokDate {
  const shifted = new Date(assertValidInstant(instant) + BANGKOK_UTC_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
  };
}

/** The UTC instant of midnight at the start of a Bangkok calendar day (month 1..12, CE year). */
export function bangkokMidnight(year: number, month: number, day = 1): Date {
  return new Date(Date.UTC(year, month - 1, day) - BANGKOK_UTC_OFFSET_MS);
}

export function toBuddhistYear(ceYear: number): number {
  return ceYear + BUDDHIST_ERA_OFFSET;
}

export function toGregorianYear(beYear: number): number {
  return beYear - BUDDHIST_ERA_OFFSET;
}

/** `YYYY-MM` of a CE year and a month 1..12. */
export function formatMonthKey(year: number, month: number): string {
  assertMonth(month);
  return `${year}-${pad2(month)}`;
}

/** The Bangkok month of an instant as `YYYY-MM` (CE), e.g. `2021-06`. */
export function monthKeyOf(instant: Date): string {
  const { year, month } = bangkokDateOf(instant);
  return formatMonthKey(year, month);
}

/** Splits `2021-06` into `{ year: 2021, month: 6 }`; throws on anything else. */
export function parseMonthKey(monthKey: string): { year: number; month: number } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(monthKey);
  if (!match) throw new RangeError(`Expected a month key written YYYY-MM, got "${monthKey}"`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

/** Fiscal year (BE) of a Bangkok calendar month: October..December belong to the next year. */
export function fiscalYearOfMonth(year: number, month: number): number {
  assertMonth(month);
  return toBuddhistYear(month >= FISCAL_YEAR_START_MONTH ? year + 1 : year);
}

/** Fiscal quarter of a calendar month: Oct–Dec 1, Jan–Mar 2, Apr–Jun 3, Jul–Sep 4. */
export function fiscalQuarterOfMonth(month: number): FiscalQuarter {
  assertMonth(month);
  const monthsIntoFiscalYear = (month - FISCAL_YEAR_START_MONTH + 12) % 12;
  return (Math.floor(monthsIntoFiscalYear / 3) + 1) as FiscalQuarter;
}

/** The fiscal year (BE) an instant falls in, judged by the Bangkok calendar. */
export function fiscalYearOf(instant: Date): number {
  const { year, month } = bangkokDateOf(instant);
  return fiscalYearOfMonth(year, month);
}

/** The fiscal quarter 1..4 an instant falls in, judged by the Bangkok calendar. */
export function fiscalQuarterOf(instant: Date): FiscalQuarter {
  return fiscalQuarterOfMonth(bangkokDateOf(instant).month);
}

/** `2564-Q3`. */
export function formatQuarterKey(fiscalYear: number, quarter: FiscalQuarter): string {
  return `${fiscalYear}-Q${quarter}`;
}

/** The period fields of a `YYYY-MM` month key (same result as `periodOf` for any instant in it). */
export function periodOfMonthKey(monthKey: string): Period {
  const { year, month } = parseMonthKey(monthKey);
  const fiscalYear = fiscalYearOfMonth(year, month);
  const quarter = fiscalQuarterOfMonth(month);
  return { monthKey, fiscalYear, quarter, quarterKey: formatQuarterKey(fiscalYear, quarter) };
}

/** Month key, fiscal year, quarter and quarter key of an instant, all in Bangkok time. */
export function periodOf(instant: Date): Period {
  return periodOfMonthKey(monthKeyOf(instant));
}

/** FY bounds as UTC instants: `[1 Oct 00:00 Bangkok, next 1 Oct 00:00 Bangkok)`. */
export function fiscalYearBounds(fiscalYear: number): InstantRange {
  assertFiscalYear(fiscalYear);
  const endCeYear = toGregorianYear(fiscalYear);
  return {
    start: bangkokMidnight(endCeYear - 1, FISCAL_YEAR_START_MONTH),
    end: bangkokMidnight(endCeYear, FISCAL_YEAR_START_MONTH),
  };
}

/** The calendar months (CE year, month 1..12) that make up a fiscal quarter, in order. */
export function monthsOfFiscalQuarter(
  fiscalYear: number,
  quarter: FiscalQuarter,
): { year: number; month: number }[] {
  assertFiscalYear(fiscalYear);
  assertQuarter(quarter);
  const endCeYear = toGregorianYear(fiscalYear);
  const months: { year: number; month: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const monthsIntoFiscalYear = (quarter - 1) * 3 + i; // 0 = October
    const month = ((FISCAL_YEAR_START_MONTH - 1 + monthsIntoFiscalYear) % 12) + 1;
    months.push({ year: month >= FISCAL_YEAR_START_MONTH ? endCeYear - 1 : endCeYear, month });
  }
  return months;
}

/** The twelve month keys of a fiscal year, October first. */
export function monthKeysOfFiscalYear(fiscalYear: number): string[] {
  return ([1, 2, 3, 4] as const).flatMap((q) =>
    monthsOfFiscalQuarter(fiscalYear, q).map(({ year, month }) => formatMonthKey(year, month)),
  );
}

/** Quarter bounds as UTC instants, half-open. */
export function fiscalQuarterBounds(fiscalYear: number, quarter: FiscalQuarter): InstantRange {
  const months = monthsOfFiscalQuarter(fiscalYear, quarter);
  const first = months[0]!;
  const last = months[2]!;
  return {
    start: bangkokMidnight(first.year, first.month),
    end: bangkokMidnight(last.month === 12 ? last.year + 1 : last.year, (last.month % 12) + 1),
  };
}

/** Month bounds as UTC instants, half-open. */
export function monthKeyBounds(monthKey: string): InstantRange {
  const { year, month } = parseMonthKey(monthKey);
  return {
    start: bangkokMidnight(year, month),
    end: bangkokMidnight(month === 12 ? year + 1 : year, (month % 12) + 1),
  };
}

/** Full Thai month name for a month 1..12, e.g. 6 -> มิถุนายน. */
export function thaiMonthName(month: number): string {
  assertMonth(month);
  return THAI_MONTH_NAMES[month - 1]!;
}

/** Abbreviated Thai month name for a month 1..12, e.g. 6 -> มิ.ย. */
export function thaiMonthAbbreviation(month: number): string {
  assertMonth(month);
  return THAI_MONTH_ABBREVIATIONS[month - 1]!;
}

/** `มิถุนายน 2564`: month and BE year as the monthly report writes them. */
export function formatThaiMonthYear(monthKey: string): string {
  const { year, month } = parseMonthKey(monthKey);
  return `${thaiMonthName(month)} ${toBuddhistYear(year)}`;
}

/** Report date `DD/MM/BBBB`: Bangkok date, zero-padded, Buddhist-Era year (`30/06/2564`). */
export function formatThaiDate(instant: Date): string {
  const { year, month, day } = bangkokDateOf(instant);
  return `${pad2(day)}/${pad2(month)}/${toBuddhistYear(year)}`;
}
