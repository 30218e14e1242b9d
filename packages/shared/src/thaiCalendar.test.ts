import { describe, expect, it } from 'vitest';
import {
  bangkokDateOf,
  fiscalQuarterBounds,
  fiscalQuarterOf,
  fiscalYearBounds,
  fiscalYearOf,
  formatThaiDate,
  formatThaiMonthYear,
  monthKeyBounds,
  monthKeyOf,
  monthKeysOfFiscalYear,
  parseMonthKey,
  periodOf,
  periodOfMonthKey,
  thaiMonthAbbreviation,
  thaiMonthName,
  toBuddhistYear,
  toGregorianYear,
} from './thaiCalendar';

const at = (iso: string): Date => new Date(iso);

describe('periodOf: month, fiscal year and quarter in Bangkok time', () => {
  it.each([
    // [instant (UTC), monthKey, fiscalYear, quarter, quarterKey]
    ['2021-03-31T18:30:00Z', '2021-04', 2564, 3, '2564-Q3'], // 01:30 on 1 April in Bangkok
    ['2021-03-31T16:59:59Z', '2021-03', 2564, 2, '2564-Q2'], // 23:59:59 on 31 March in Bangkok
    ['2020-09-30T17:00:00Z', '2020-10', 2564, 1, '2564-Q1'], // first second of FY2564
    ['2020-09-30T16:59:59Z', '2020-09', 2563, 4, '2563-Q4'], // last second of FY2563
    ['2020-12-31T17:00:00Z', '2021-01', 2564, 2, '2564-Q2'], // new year in Bangkok
    ['2020-12-31T16:59:59Z', '2020-12', 2564, 1, '2564-Q1'],
    ['2021-06-30T16:59:59Z', '2021-06', 2564, 3, '2564-Q3'],
    ['2021-06-30T17:00:00Z', '2021-07', 2564, 4, '2564-Q4'],
    ['2021-09-30T16:59:59Z', '2021-09', 2564, 4, '2564-Q4'],
    ['2021-09-30T17:00:00Z', '2021-10', 2565, 1, '2565-Q1'],
    ['2024-02-29T12:00:00Z', '2024-02', 2567, 2, '2567-Q2'], // leap day
  ])('%s is %s, FY%i Q%i', (iso, monthKey, fiscalYear, quarter, quarterKey) => {
    expect(periodOf(at(iso))).toEqual({ monthKey, fiscalYear, quarter, quarterKey });
    expect(monthKeyOf(at(iso))).toBe(monthKey);
    expect(fiscalYearOf(at(iso))).toBe(fiscalYear);
    expect(fiscalQuarterOf(at(iso))).toBe(quarter);
  });

  it.each([
    ['2021-04', 2564, 3],
    ['2020-10', 2564, 1],
    ['2020-09', 2563, 4],
    ['2021-01', 2564, 2],
  ])('month key %s belongs to FY%i Q%i', (monthKey, fiscalYear, quarter) => {
    expect(periodOfMonthKey(monthKey)).toMatchObject({ fiscalYear, quarter });
  });

  it('rejects an invalid Date instead of returning NaN keys', () => {
    expect(() => periodOf(new Date('nope'))).toThrow(RangeError);
  });
});

describe('bangkokDateOf', () => {
  it.each([
    ['2021-03-31T18:30:00Z', { year: 2021, month: 4, day: 1 }],
    ['2021-03-31T16:59:59Z', { year: 2021, month: 3, day: 31 }],
    ['2020-12-31T17:00:00Z', { year: 2021, month: 1, day: 1 }],
  ])('%s -> %o', (iso, expected) => {
    expect(bangkokDateOf(at(iso))).toEqual(expected);
  });
});

describe('Buddhist-Era years', () => {
  it.each([
    [2021, 2564],
    [2020, 2563],
    [1957, 2500],
  ])('CE %i is BE %i and back', (ce, be) => {
    expect(toBuddhistYear(ce)).toBe(be);
    expect(toGregorianYear(be)).toBe(ce);
  });
});

describe('fiscalYearBounds', () => {
  it.each([
    [2564, '2020-09-30T17:00:00.000Z', '2021-09-30T17:00:00.000Z'],
    [2565, '2021-09-30T17:00:00.000Z', '2022-09-30T17:00:00.000Z'],
  ])('FY%i is [%s, %s)', (fy, start, end) => {
    const bounds = fiscalYearBounds(fy);
    expect(bounds.start.toISOString()).toBe(start);
    expect(bounds.end.toISOString()).toBe(end);
    expect(fiscalYearOf(bounds.start)).toBe(fy);
    expect(fiscalYearOf(new Date(bounds.end.getTime() - 1))).toBe(fy);
    expect(fiscalYearOf(bounds.end)).toBe(fy + 1);
  });

  it.each([2021, 2564.5, Number.NaN])('rejects %s, which is not a BE fiscal year', (fy) => {
    expect(() => fiscalYearBounds(fy)).toThrow(RangeError);
  });
});

describe('fiscalQuarterBounds', () => {
  it.each([
    [2564, 1, '2020-09-30T17:00:00.000Z', '2020-12-31T17:00:00.000Z'],
    [2564, 2, '2020-12-31T17:00:00.000Z', '2021-03-31T17:00:00.000Z'],
    [2564, 3, '2021-03-31T17:00:00.000Z', '2021-06-30T17:00:00.000Z'],
    [2564, 4, '2021-06-30T17:00:00.000Z', '2021-09-30T17:00:00.000Z'],
  ] as const)('FY%i Q%i is [%s, %s)', (fy, q, start, end) => {
    const bounds = fiscalQuarterBounds(fy, q);
    expect(bounds.start.toISOString()).toBe(start);
    expect(bounds.end.toISOString()).toBe(end);
    expect(periodOf(bounds.start).quarter).toBe(q);
    expect(periodOf(new Date(bounds.end.getTime() - 1)).quarter).toBe(q);
  });
});

describe('month keys', () => {
  it('lists the twelve months of a fiscal year from October', () => {
    expect(monthKeysOfFiscalYear(2564)).toEqual([
      '2020-10',
      '2020-11',
      '2020-12',
      '2021-01',
      '2021-02',
      '2021-03',
      '2021-04',
      '2021-05',
      '2021-06',
      '2021-07',
      '2021-08',
      '2021-09',
    ]);
  });

  it.each([
    ['2021-06', '2021-05-31T17:00:00.000Z', '2021-06-30T17:00:00.000Z'],
    ['2020-12', '2020-11-30T17:00:00.000Z', '2020-12-31T17:00:00.000Z'],
  ])('%s is [%s, %s)', (monthKey, start, end) => {
    const bounds = monthKeyBounds(monthKey);
    expect(bounds.start.toISOString()).toBe(start);
    expect(bounds.end.toISOString()).toBe(end);
  });

  it.each(['2021-13', '2021-6', '21-06', '2021-00', ''])('rejects malformed key "%s"', (key) => {
    expect(() => parseMonthKey(key)).toThrow(RangeError);
  });
});

describe('Thai month names', () => {
  it.each([
    [1, 'มกราคม', 'ม.ค.'],
    [2, 'กุมภาพันธ์', 'ก.พ.'],
    [3, 'มีนาคม', 'มี.ค.'],
    [4, 'เมษายน', 'เม.ย.'],
    [5, 'พฤษภาคม', 'พ.ค.'],
    [6, 'มิถุนายน', 'มิ.ย.'],
    [7, 'กรกฎาคม', 'ก.ค.'],
    [8, 'สิงหาคม', 'ส.ค.'],
    [9, 'กันยายน', 'ก.ย.'],
    [10, 'ตุลาคม', 'ต.ค.'],
    [11, 'พฤศจิกายน', 'พ.ย.'],
    [12, 'ธันวาคม', 'ธ.ค.'],
  ])('month %i is %s (%s)', (month, full, abbreviation) => {
    expect(thaiMonthName(month)).toBe(full);
    expect(thaiMonthAbbreviation(month)).toBe(abbreviation);
  });

  it.each([0, 13, 1.5])('rejects month %s', (month) => {
    expect(() => thaiMonthName(month)).toThrow(RangeError);
  });

  it.each([
    ['2021-06', 'มิถุนายน 2564'],
    ['2020-12', 'ธันวาคม 2563'],
  ])('%s is written %s in reports', (monthKey, text) => {
    expect(formatThaiMonthYear(monthKey)).toBe(text);
  });
});

describe('formatThaiDate', () => {
  it.each([
    ['2021-06-30T03:00:00Z', '30/06/2564'],
    ['2021-06-29T17:00:00Z', '30/06/2564'], // midnight in Bangkok
    ['2021-06-29T16:59:59Z', '29/06/2564'],
    ['2020-10-28T05:00:00Z', '28/10/2563'],
    ['2021-01-04T00:00:00Z', '04/01/2564'], // zero-padded day and month
    ['2020-12-31T17:30:00Z', '01/01/2564'], // calendar year turns over in Bangkok first
  ])('%s -> %s', (iso, text) => {
    expect(formatThaiDate(at(iso))).toBe(text);
  });
});
