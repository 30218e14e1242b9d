/**
 * The quarterly KPI table against the FY2564 page. The expected text is the page's own bytes
 * (data/fy2564/project-page.txt, a verbatim copy of the seed page), never produced by the code.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FY2564_DIR, loadFy2564 } from '../data/fy2564';
import { DEFAULT_KPI_TARGETS, DEFAULT_PLAN_STEPS, type KpiStory } from '../kpi';
import { computeProgress, publishedUpTo } from './progress';
import {
  QUARTER_TABLE_HEADING,
  computeQuarterTable,
  formatQuarterTable,
  progressAtQuarterEnds,
  type QuarterTableInput,
} from './quarterTable';

const page = readFileSync(resolve(FY2564_DIR, 'project-page.txt'), 'utf8');
/** The page from the table's heading up to the closing heading. */
function seedTable(): string {
  const start = page.indexOf('\n\nไตรมาสที่\n');
  const end = page.indexOf('\n\n** ผลการประเมินโครงการ (รายไตรมาส) **');
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  return page.slice(start + 2, end);
}

const { posts, entries } = loadFy2564();
const stories: KpiStory[] = posts.map((p) => ({ publishedAt: p.publishedAt, reach: p.reach }));
const reports = entries.map((e) => ({ reportDate: e.reportDate, percent: e.progressPercent }));
const newestReport = [...entries].sort((a, b) => b.reportDate.localeCompare(a.reportDate))[0]!;

const seedInput: QuarterTableInput = {
  fiscalYear: 2564,
  stories,
  threshold: DEFAULT_KPI_TARGETS.threshold,
  targetStories: DEFAULT_KPI_TARGETS.targetStories,
  targetPercent: DEFAULT_KPI_TARGETS.targetPercent,
  progressAtQuarterEnd: progressAtQuarterEnds(reports, 2564),
  asOf: newestReport.reportDate,
};

describe('progressAtQuarterEnds', () => {
  it("takes the last report of each quarter: December's, March's, June's, August's", () => {
    expect(progressAtQuarterEnds(reports, 2564)).toEqual([15, 40, 70, 90]);
  });

  it('leaves a quarter without a report empty and ignores other fiscal years', () => {
    expect(
      progressAtQuarterEnds(
        [
          { reportDate: '2021-10-29', percent: 5 }, // FY2565
          { reportDate: '2020-11-30', percent: 10 },
          { reportDate: '2020-10-28', percent: 5 },
        ],
        2564,
      ),
    ).toEqual([10, null, null, null]);
  });
});

describe('the quarterly table of the FY2564 page', () => {
  const rows = computeQuarterTable(seedInput);

  it('is written byte for byte as the page writes it', () => {
    expect(formatQuarterTable(rows)).toBe(seedTable());
  });

  it('tallies the stories of each quarter and of the year so far', () => {
    expect(rows.map((r) => [r.inQuarter.published, r.inQuarter.passed])).toEqual([
      [25, 20],
      [34, 34],
      [15, 15],
      [0, 0],
    ]);
    expect(rows.map((r) => [r.cumulative.published, r.cumulative.passed])).toEqual([
      [25, 20],
      [59, 54],
      [74, 69],
      [74, 69],
    ]);
  });

  it('assesses Q1–Q3 (ended by 30 August 2021) and leaves Q4 at 0.00 and 0 / 0', () => {
    expect(rows.map((r) => r.assessed)).toEqual([true, true, true, false]);
    expect(rows.map((r) => r.progressPercent)).toEqual([15, 40, 70, null]);
    expect(rows.map((r) => `${r.outputScore} / ${r.outcomeScore}`)).toEqual([
      '100 / 100',
      '100 / 100',
      '100 / 100',
      '0 / 0',
    ]);
  });

  it('once September is over, Q4 is assessed with the last report of the quarter', () => {
    const after = computeQuarterTable({ ...seedInput, asOf: '2021-09-30' });
    expect(formatQuarterTable(after).split('\n').slice(-4)).toEqual([
      '4',
      '90.00',
      '',
      '100 / 100',
    ]);
  });

  it("with the rule's own progress (no override) only the progress column differs", () => {
    const computedAtQuarterEnds = ['2020-12-31', '2021-03-31', '2021-06-30', '2021-09-30'].map(
      (reportDate) =>
        computeProgress({
          planSteps: DEFAULT_PLAN_STEPS,
          reportDate,
          targetStories: DEFAULT_KPI_TARGETS.targetStories,
          publishedSoFar: publishedUpTo(posts, reportDate),
        }).percent,
    );
    const table = formatQuarterTable(
      computeQuarterTable({ ...seedInput, progressAtQuarterEnd: computedAtQuarterEnds }),
    );
    expect(table).not.toBe(seedTable());
    const expected = seedTable()
      .replace('\n1\n15.00\n', '\n1\n67.50\n')
      .replace('\n2\n40.00\n', '\n2\n90.00\n')
      .replace('\n3\n70.00\n', '\n3\n90.00\n');
    expect(table).toBe(expected);
  });
});

describe('scores 2.1 (published vs the target pro rata) and 2.2 (passed vs the quota pro rata)', () => {
  const at = (iso: string, reach: number): KpiStory => ({ publishedAt: new Date(iso), reach });

  it('scores below 100 when the quarter falls short, rounded down', () => {
    // Q1: 10 published of 12.5 expected (80); 5 passed of 45 / 4 = 11.25 expected (44.4 -> 44).
    const q1 = [
      ...Array.from({ length: 5 }, () => at('2020-11-02T03:00:00Z', 3000)),
      ...Array.from({ length: 5 }, () => at('2020-11-02T03:00:00Z', 2999)),
    ];
    const rows = computeQuarterTable({
      ...seedInput,
      stories: q1,
      progressAtQuarterEnd: [12.5, null, null, null],
      asOf: '2021-03-31',
    });
    expect(rows.map((r) => [r.outputScore, r.outcomeScore])).toEqual([
      [80, 44],
      [40, 22], // Q2: 10 of 25 expected, 5 of 22.5 expected (22.2 -> 22)
      [0, 0],
      [0, 0],
    ]);
    expect(formatQuarterTable(rows)).toBe(
      `${QUARTER_TABLE_HEADING}\n1\n12.50\n\n80 / 44\n2\n0.00\n\n40 / 22\n3\n0.00\n\n0 / 0\n4\n0.00\n\n0 / 0`,
    );
  });

  it('refuses a progress list that is not four quarters long or out of range', () => {
    expect(() => computeQuarterTable({ ...seedInput, progressAtQuarterEnd: [1, 2, 3] })).toThrow(
      'Give the progress at the end of each of the 4 quarters (null for none), not 3.',
    );
    expect(() =>
      computeQuarterTable({ ...seedInput, progressAtQuarterEnd: [1, 2, 3, 101] }),
    ).toThrow("A quarter's progress must be a percentage 0..100, got 101.");
    expect(() => computeQuarterTable({ ...seedInput, asOf: '30/08/2564' })).toThrow(
      'The table date must be a calendar date written YYYY-MM-DD',
    );
  });
});
