import { describe, expect, it } from 'vitest';
import { monthRowsOf, quarterRowsOf } from './overviewQuarters';

// The office's FY2564 months (shared/research/seed-summary.md §2): published / passed.
const FY2564: Record<string, { published: number; passed: number }> = {
  '2020-10': { published: 8, passed: 6 },
  '2020-11': { published: 8, passed: 8 },
  '2020-12': { published: 9, passed: 6 },
  '2021-01': { published: 12, passed: 12 },
  '2021-02': { published: 12, passed: 12 },
  '2021-03': { published: 10, passed: 10 },
  '2021-04': { published: 6, passed: 6 },
  '2021-05': { published: 5, passed: 5 },
  '2021-06': { published: 4, passed: 4 },
};

describe('monthRowsOf', () => {
  it('gives the twelve months from October, zero where nothing was published', () => {
    const rows = monthRowsOf(FY2564, 2564);
    expect(rows.map((r) => r.monthKey)).toEqual([
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
    expect(rows[2]).toEqual({ monthKey: '2020-12', published: 9, passed: 6 });
    expect(rows[11]).toEqual({ monthKey: '2021-09', published: 0, passed: 0 });
  });

  it('ignores a month of another fiscal year', () => {
    const rows = monthRowsOf({ ...FY2564, '2021-10': { published: 3, passed: 3 } }, 2564);
    expect(rows.reduce((s, r) => s + r.published, 0)).toBe(74);
  });
});

describe('quarterRowsOf', () => {
  it("gives the office's FY2564 quarters with rates and running rates", () => {
    expect(quarterRowsOf(FY2564, 2564)).toEqual([
      {
        quarter: 1,
        published: 25,
        passed: 20,
        ratePercent: 80,
        cumulativePublished: 25,
        cumulativePassed: 20,
        cumulativeRatePercent: 80,
      },
      {
        quarter: 2,
        published: 34,
        passed: 34,
        ratePercent: 100,
        cumulativePublished: 59,
        cumulativePassed: 54,
        cumulativeRatePercent: 91.53,
      },
      {
        quarter: 3,
        published: 15,
        passed: 15,
        ratePercent: 100,
        cumulativePublished: 74,
        cumulativePassed: 69,
        cumulativeRatePercent: 93.24,
      },
      {
        quarter: 4,
        published: 0,
        passed: 0,
        ratePercent: null,
        cumulativePublished: 74,
        cumulativePassed: 69,
        cumulativeRatePercent: 93.24,
      },
    ]);
  });

  it('gives null rates, not NaN, for an empty year', () => {
    const rows = quarterRowsOf({}, 2570);
    expect(rows.map((r) => [r.ratePercent, r.cumulativeRatePercent])).toEqual([
      [null, null],
      [null, null],
      [null, null],
      [null, null],
    ]);
  });
});
