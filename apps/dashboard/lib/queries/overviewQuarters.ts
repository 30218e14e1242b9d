/**
 * The overview's month and quarter rows from the collector's per-month figures (`kpi_figures`,
 * read by `_id`): every month of the fiscal year (October first) and the quarterly KPI table in
 * the seed's layout (quarter, published, passed, rate, cumulative rate). Pure; browser-safe.
 */
import {
  type FiscalQuarter,
  monthKeysOfFiscalYear,
  percentOf,
  periodOfMonthKey,
} from '@reachline/shared';

export type MonthFigures = Record<string, { published: number; passed: number }>;

export interface MonthRow {
  monthKey: string;
  published: number;
  passed: number;
}

export interface QuarterRow {
  quarter: FiscalQuarter;
  published: number;
  passed: number;
  /** passed / published in the quarter, percent to two decimals; null when nothing published. */
  ratePercent: number | null;
  /** From the start of the fiscal year to the end of this quarter. */
  cumulativePublished: number;
  cumulativePassed: number;
  cumulativeRatePercent: number | null;
}

/** Twelve rows, October to September; months without figures are zero. */
export function monthRowsOf(months: MonthFigures, fiscalYear: number): MonthRow[] {
  return monthKeysOfFiscalYear(fiscalYear).map((monthKey) => ({
    monthKey,
    published: months[monthKey]?.published ?? 0,
    passed: months[monthKey]?.passed ?? 0,
  }));
}

/** Four rows, Q1 (Oct–Dec) to Q4 (Jul–Sep), with the running totals the KPI table reports. */
export function quarterRowsOf(months: MonthFigures, fiscalYear: number): QuarterRow[] {
  const sums = new Map<FiscalQuarter, { published: number; passed: number }>(
    ([1, 2, 3, 4] as const).map((q) => [q, { published: 0, passed: 0 }]),
  );
  for (const row of monthRowsOf(months, fiscalYear)) {
    const sum = sums.get(periodOfMonthKey(row.monthKey).quarter)!;
    sum.published += row.published;
    sum.passed += row.passed;
  }
  let cumulativePublished = 0;
  let cumulativePassed = 0;
  return [...sums].map(([quarter, { published, passed }]) => {
    cumulativePublished += published;
    cumulativePassed += passed;
    return {
      quarter,
      published,
      passed,
      ratePercent: percentOf(passed, published),
      cumulativePublished,
      cumulativePassed,
      cumulativeRatePercent: percentOf(cumulativePassed, cumulativePublished),
    };
  });
}
