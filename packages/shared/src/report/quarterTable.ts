/**
 * The quarterly KPI table at the foot of the project page, laid out as the FY2564 page writes it:
 *
 *   ไตรมาสที่
 *   (1 - 4)
 *   *ผลงาน*
 *   (ร้อยละ)
 *   *ผลประเมินตัวชี้วัด*
 *   (* 2.1 / 2.2 *)
 *   1
 *   15.00
 *
 *   100 / 100
 *   2 …
 *
 * One row per quarter: its number, the progress % at the quarter's end (two decimals) and the
 * KPI assessment written `{2.1} / {2.2}`. A quarter that has not ended on the `asOf` day is not
 * assessed yet and is written `0.00` and `0 / 0`, as the page does for Q4 on 30 August 2021.
 *
 * What 2.1 and 2.2 mean is not written on the page. Our reading, the one that agrees with every
 * figure on it (100 / 100 for Q1–Q3 although only 80 % of Q1's stories passed 3,000):
 * - 2.1, output: stories published from the start of the year to the quarter's end, against the
 *   target pro rata (50 × q / 4);
 * - 2.2, outcome: stories passing the threshold by the quarter's end, against the quota
 *   (ceil(90 % × 50) = 45) pro rata (45 × q / 4);
 * each scored 0..100 (achieved ÷ expected, capped at 100, rounded down so that 100 means met).
 *
 * The progress column is an input: the effective progress (the editor's override when there is
 * one) of the quarter's last monthly report, see `progressAtQuarterEnds`. Pure, browser-safe.
 */
import {
  type KpiStory,
  type QuarterTally,
  cumulativeByQuarter,
  formatPercent,
  quotaStories,
  tallyByQuarter,
} from '../kpi';
import type { FiscalQuarter } from '../thaiCalendar';
import { fiscalPeriodOfDay, lastDayOfFiscalQuarter, parseCalendarDay } from './calendarDay';

export const QUARTER_TABLE_HEADING = [
  'ไตรมาสที่',
  '(1 - 4)',
  '*ผลงาน*',
  '(ร้อยละ)',
  '*ผลประเมินตัวชี้วัด*',
  '(* 2.1 / 2.2 *)',
].join('\n');

const QUARTERS = [1, 2, 3, 4] as const;

export interface QuarterRow {
  quarter: FiscalQuarter;
  /** The quarter had ended on the `asOf` day. */
  assessed: boolean;
  /** Progress % at the quarter's end; null when not assessed or no report was filed in it. */
  progressPercent: number | null;
  /** Stories published in the quarter itself. */
  inQuarter: QuarterTally;
  /** Stories published from the start of the fiscal year to the quarter's end. */
  cumulative: QuarterTally;
  /** 2.1: published so far against the target pro rata; 0 when not assessed. */
  outputScore: number;
  /** 2.2: passed so far against the quota pro rata; 0 when not assessed. */
  outcomeScore: number;
}

export interface QuarterTableInput {
  fiscalYear: number;
  stories: readonly KpiStory[];
  threshold: number;
  targetStories: number;
  targetPercent: number;
  /** Progress % at the end of Q1..Q4 (null: no report in that quarter). */
  progressAtQuarterEnd: readonly (number | null)[];
  /** The day the table is drawn up, `YYYY-MM-DD`; quarters ending after it are not assessed. */
  asOf: string;
}

/** A monthly report as far as the quarterly table is concerned. */
export interface ReportProgress {
  /** `YYYY-MM-DD`. */
  reportDate: string;
  /** The report's effective progress (override or computed). */
  percent: number;
}

/**
 * The progress % of the last report dated in each quarter of the fiscal year (Q1..Q4), or null
 * for a quarter without a report.
 */
export function progressAtQuarterEnds(
  reports: readonly ReportProgress[],
  fiscalYear: number,
): (number | null)[] {
  const last: ({ day: number; percent: number } | null)[] = [null, null, null, null];
  for (const report of reports) {
    const day = parseCalendarDay(report.reportDate, 'report date');
    const period = fiscalPeriodOfDay(day);
    if (period.fiscalYear !== fiscalYear) continue;
    const current = last[period.quarter - 1];
    if (!current || day.dayNumber >= current.day) {
      last[period.quarter - 1] = { day: day.dayNumber, percent: report.percent };
    }
  }
  return last.map((x) => (x ? x.percent : null));
}

/** achieved ÷ expected as a whole score 0..100, rounded down; 100 when nothing is expected. */
function score(achieved: number, expectedNumerator: number, expectedDenominator: number): number {
  // expected = expectedNumerator / expectedDenominator; compare on integers.
  if (expectedNumerator === 0) return 100;
  return Math.min(
    100,
    Math.floor((achieved * 100 * expectedDenominator) / expectedNumerator + 1e-9),
  );
}

export function computeQuarterTable(input: QuarterTableInput): QuarterRow[] {
  if (input.progressAtQuarterEnd.length !== 4) {
    throw new RangeError(
      `Give the progress at the end of each of the 4 quarters (null for none), not ${input.progressAtQuarterEnd.length}.`,
    );
  }
  for (const p of input.progressAtQuarterEnd) {
    if (p !== null && (!Number.isFinite(p) || p < 0 || p > 100)) {
      throw new RangeError(`A quarter's progress must be a percentage 0..100, got ${p}.`);
    }
  }
  const asOf = parseCalendarDay(input.asOf, 'table date');
  const quota = quotaStories(input.targetPercent, input.targetStories);
  const inQuarter = tallyByQuarter(input.stories, input.threshold, input.fiscalYear);
  const cumulative = cumulativeByQuarter(input.stories, input.threshold, input.fiscalYear);
  return QUARTERS.map((quarter, i) => {
    const assessed = lastDayOfFiscalQuarter(input.fiscalYear, quarter).dayNumber <= asOf.dayNumber;
    const sofar = cumulative[i]!;
    return {
      quarter,
      assessed,
      progressPercent: assessed ? (input.progressAtQuarterEnd[i] ?? null) : null,
      inQuarter: inQuarter[i]!,
      cumulative: sofar,
      outputScore: assessed ? score(sofar.published, input.targetStories * quarter, 4) : 0,
      outcomeScore: assessed ? score(sofar.passed, quota * quarter, 4) : 0,
    };
  });
}

/** The table as the page writes it (no trailing newline). */
export function formatQuarterTable(rows: readonly QuarterRow[]): string {
  const body = rows.map(
    (row) =>
      `${row.quarter}\n${formatPercent(row.progressPercent ?? 0)}\n\n${row.outputScore} / ${row.outcomeScore}`,
  );
  return [QUARTER_TABLE_HEADING, ...body].join('\n');
}
