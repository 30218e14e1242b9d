/**
 * Bangkok calendar days written `YYYY-MM-DD`, as the report texts and the plan use them, and the
 * day arithmetic the progress rule needs. Pure (no node: imports): safe in the browser.
 */
import { fiscalQuarterOfMonth, fiscalYearOfMonth, toBuddhistYear } from '../thaiCalendar';
import type { FiscalQuarter } from '../thaiCalendar';

export interface CalendarDay {
  year: number;
  month: number;
  day: number;
  /** Days since 1970-01-01: consecutive days differ by one. */
  dayNumber: number;
}

const MS_PER_DAY = 86_400_000;
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Parses `YYYY-MM-DD` (a real calendar day); throws a RangeError naming `what` otherwise. */
export function parseCalendarDay(text: string, what = 'date'): CalendarDay {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const year = Number(m?.[1]);
  const month = Number(m?.[2]);
  const day = Number(m?.[3]);
  const ms = Date.UTC(year, month - 1, day);
  const probe = new Date(ms);
  if (!m || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new RangeError(`The ${what} must be a calendar date written YYYY-MM-DD, got "${text}".`);
  }
  return { year, month, day, dayNumber: ms / MS_PER_DAY };
}

export function calendarDayFromNumber(dayNumber: number): CalendarDay {
  const d = new Date(dayNumber * MS_PER_DAY);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    dayNumber,
  };
}

/** `2021-06-30`. */
export function formatIsoDay(day: CalendarDay): string {
  return `${day.year}-${pad2(day.month)}-${pad2(day.day)}`;
}

/** `30/06/2564`: the report's way, Buddhist-Era year. */
export function formatThaiDay(day: CalendarDay): string {
  return `${pad2(day.day)}/${pad2(day.month)}/${toBuddhistYear(day.year)}`;
}

/** The fiscal year (BE) and quarter of a calendar day. */
export function fiscalPeriodOfDay(day: CalendarDay): {
  fiscalYear: number;
  quarter: FiscalQuarter;
} {
  return {
    fiscalYear: fiscalYearOfMonth(day.year, day.month),
    quarter: fiscalQuarterOfMonth(day.month),
  };
}

/** First and last day of a fiscal year (BE): 1 October .. 30 September. */
export function fiscalYearDays(fiscalYear: number): { first: CalendarDay; last: CalendarDay } {
  if (!Number.isInteger(fiscalYear) || fiscalYear < 2400) {
    throw new RangeError(
      `The fiscal year must be a Buddhist-Era year such as 2564, got ${fiscalYear}.`,
    );
  }
  const endCe = fiscalYear - 543;
  return {
    first: parseCalendarDay(`${endCe - 1}-10-01`),
    last: parseCalendarDay(`${endCe}-09-30`),
  };
}

/** The last day of a fiscal quarter (31 Dec, 31 Mar, 30 Jun, 30 Sep). */
export function lastDayOfFiscalQuarter(fiscalYear: number, quarter: FiscalQuarter): CalendarDay {
  const endCe = fiscalYear - 543;
  const ends: Record<FiscalQuarter, string> = {
    1: `${endCe - 1}-12-31`,
    2: `${endCe}-03-31`,
    3: `${endCe}-06-30`,
    4: `${endCe}-09-30`,
  };
  return parseCalendarDay(ends[quarter]);
}
