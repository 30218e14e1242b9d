/**
 * KPI math, written once: when a story passes, the pass rate, the quota of passing stories the
 * goal asks for, and the roll-ups per month and fiscal quarter that the dashboard and the
 * quarterly KPI table show. Pure functions over plain numbers and dates.
 */
import {
  type FiscalQuarter,
  formatQuarterKey,
  monthKeysOfFiscalYear,
  periodOf,
  periodOfMonthKey,
} from './thaiCalendar';

/** How a story's reach is made from its posts' latest reach (per fiscal year, `kpi_settings`). */
export type StoryReachMode = 'sum' | 'max';
export const STORY_REACH_MODES: readonly StoryReachMode[] = ['sum', 'max'];

/** A story as far as the KPI is concerned: when it was published and how far it reached. */
export interface KpiStory {
  publishedAt: Date;
  reach: number;
}

/** Counts and rates for one slice of stories. */
export interface PassTally {
  published: number;
  passed: number;
  /** passed / published in 0..1, or null when nothing was published (not NaN). */
  passRate: number | null;
  /** The same as a percentage rounded to two decimals (93.24), or null. */
  passPercent: number | null;
}

export interface MonthTally extends PassTally {
  monthKey: string;
  fiscalYear: number;
  quarter: FiscalQuarter;
}

export interface QuarterTally extends PassTally {
  fiscalYear: number;
  quarter: FiscalQuarter;
  quarterKey: string;
}

export interface QuotaProgress {
  passed: number;
  /** ceil(targetPercent % of targetStories): how many passing stories the goal asks for. */
  quota: number;
  /** Passing stories still needed (0 once met). */
  remaining: number;
  /** passed / quota; may exceed 1 when the office publishes more than planned. */
  ratio: number;
  /** ratio as a percentage rounded to two decimals; may exceed 100. */
  percent: number;
  met: boolean;
}

/** ">= 3,000" ("ไม่น้อยกว่า 3,000"): reaching the threshold exactly is a pass. */
export function storyPasses(reach: number, threshold: number): boolean {
  return reach >= threshold;
}

/** passed / published in 0..1, or null when nothing was published. */
export function passRate(passed: number, published: number): number | null {
  assertCount(passed, 'passed');
  assertCount(published, 'published');
  if (passed > published) {
    throw new RangeError(`passed (${passed}) cannot exceed published (${published})`);
  }
  return published === 0 ? null : passed / published;
}

/**
 * `part / whole` as a percentage rounded half-up to two decimals (69 / 74 -> 93.24), or null when
 * `whole` is 0. Rounds the scaled integer ratio once, so 1 / 8 gives 12.5, not 12.499999.
 */
export function percentOf(part: number, whole: number): number | null {
  if (whole === 0) return null;
  return Math.round((part * 10_000) / whole) / 100;
}

/** A ratio in 0..1 as a percentage rounded to two decimals (0.932432 -> 93.24). */
export function ratioToPercent(ratio: number): number {
  return Math.round(ratio * 10_000) / 100;
}

/**
 * A percentage as the report writes it: always two decimals (`93.24`, `80.00`). `null` (nothing
 * published) becomes `whenNone`.
 */
export function formatPercent(percent: number | null, whenNone = 'n/a'): string {
  if (percent === null || Number.isNaN(percent)) return whenNone;
  // Shift the decimal point in the string form: 1.005 * 100 is 100.49999 in binary, "1.005e2" is
  // exactly 100.5, so half-up rounding matches what a person would write.
  const shifted = String(percent).includes('e') ? percent * 100 : Number(`${percent}e2`);
  return (Math.round(shifted) / 100).toFixed(2);
}

/**
 * Passing stories the goal asks for: ceil(targetPercent / 100 x targetStories), computed on
 * integers (hundredths of a percent): in floating point 14 / 100 * 50 is 7.000000000000001, whose
 * ceiling would demand 8 stories instead of 7. 90 % of 50 is 45.
 */
export function quotaStories(targetPercent: number, targetStories: number): number {
  if (!Number.isFinite(targetPercent) || targetPercent < 0 || targetPercent > 100) {
    throw new RangeError(`targetPercent must be between 0 and 100, got ${targetPercent}`);
  }
  assertCount(targetStories, 'targetStories');
  const basisPoints = Math.round(targetPercent * 100); // 90 -> 9000, 92.5 -> 9250
  const scaled = basisPoints * targetStories; // exact: both are small integers
  return Math.floor((scaled + 9_999) / 10_000); // integer ceil(scaled / 10000)
}

/** How far the passing stories are toward the quota. */
export function quotaProgress(passed: number, quota: number): QuotaProgress {
  assertCount(passed, 'passed');
  assertCount(quota, 'quota');
  const ratio = quota === 0 ? 1 : passed / quota;
  return {
    passed,
    quota,
    remaining: Math.max(0, quota - passed),
    ratio,
    percent: percentOf(passed, quota) ?? 100,
    met: passed >= quota,
  };
}

/** Counts published and passed stories in any list. */
export function tallyStories(stories: readonly KpiStory[], threshold: number): PassTally {
  let passed = 0;
  for (const story of stories) if (storyPasses(story.reach, threshold)) passed++;
  return tally(passed, stories.length);
}

/**
 * One row per month of the fiscal year (October first), including months with nothing
 * published. Stories from other fiscal years are ignored.
 */
export function tallyByMonth(
  stories: readonly KpiStory[],
  threshold: number,
  fiscalYear: number,
): MonthTally[] {
  const counts = new Map<string, { published: number; passed: number }>(
    monthKeysOfFiscalYear(fiscalYear).map((key) => [key, { published: 0, passed: 0 }]),
  );
  for (const story of stories) {
    const count = counts.get(periodOf(story.publishedAt).monthKey);
    if (!count) continue; // another fiscal year
    count.published++;
    if (storyPasses(story.reach, threshold)) count.passed++;
  }
  return [...counts].map(([monthKey, c]) => {
    const period = periodOfMonthKey(monthKey);
    return {
      monthKey,
      fiscalYear: period.fiscalYear,
      quarter: period.quarter,
      ...tally(c.passed, c.published),
    };
  });
}

/** Four rows, Q1..Q4 of the fiscal year, including quarters with nothing published. */
export function tallyByQuarter(
  stories: readonly KpiStory[],
  threshold: number,
  fiscalYear: number,
): QuarterTally[] {
  return sumMonthsIntoQuarters(tallyByMonth(stories, threshold, fiscalYear), fiscalYear);
}

/**
 * Four rows: everything published from the start of the fiscal year to the end of each quarter
 * (the figure the quarterly KPI table reports). Reach is each story's latest reach.
 */
export function cumulativeByQuarter(
  stories: readonly KpiStory[],
  threshold: number,
  fiscalYear: number,
): QuarterTally[] {
  let published = 0;
  let passed = 0;
  return tallyByQuarter(stories, threshold, fiscalYear).map((q) => {
    published += q.published;
    passed += q.passed;
    return { ...q, ...tally(passed, published) };
  });
}

/**
 * A story's reach from its posts' latest reach: the sum (people reached across platforms,
 * counting someone who saw two cross-posts twice) or the max (the best single post). Posts not
 * harvested yet (null/undefined) count as 0.
 */
export function storyReach(
  postReaches: readonly (number | null | undefined)[],
  mode: StoryReachMode,
): number {
  let result = 0;
  for (const reach of postReaches) {
    const value = reach ?? 0;
    result = mode === 'sum' ? result + value : Math.max(result, value);
  }
  return result;
}

/** The post fields needed to group posts into stories. */
export interface StoryPostInput {
  id: string;
  storyId?: string | null;
  publishedAt: Date;
  latestReach?: number | null;
}

export interface DerivedStory {
  /** The story id, or the post's own id for a post that belongs to no story. */
  storyId: string;
  postIds: string[];
  /** The earliest publication among its posts: the story counts in that month and quarter. */
  publishedAt: Date;
  reach: number;
}

/** Groups posts into stories; a post with no story is its own story (DESIGN.md "Data"). */
export function storiesFromPosts(
  posts: readonly StoryPostInput[],
  mode: StoryReachMode,
): DerivedStory[] {
  const groups = new Map<string, StoryPostInput[]>();
  for (const post of posts) {
    const key = post.storyId ?? post.id;
    const group = groups.get(key);
    if (group) group.push(post);
    else groups.set(key, [post]);
  }
  return [...groups].map(([storyId, members]) => ({
    storyId,
    postIds: members.map((p) => p.id),
    publishedAt: new Date(Math.min(...members.map((p) => p.publishedAt.getTime()))),
    reach: storyReach(
      members.map((p) => p.latestReach),
      mode,
    ),
  }));
}

function sumMonthsIntoQuarters(months: readonly MonthTally[], fiscalYear: number): QuarterTally[] {
  return ([1, 2, 3, 4] as const).map((quarter) => {
    let published = 0;
    let passed = 0;
    for (const m of months) {
      if (m.quarter !== quarter) continue;
      published += m.published;
      passed += m.passed;
    }
    return {
      fiscalYear,
      quarter,
      quarterKey: formatQuarterKey(fiscalYear, quarter),
      ...tally(passed, published),
    };
  });
}

function tally(passed: number, published: number): PassTally {
  return {
    published,
    passed,
    passRate: passRate(passed, published),
    passPercent: percentOf(passed, published),
  };
}

function assertCount(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number >= 0, got ${value}`);
  }
}

/** A step of the yearly plan and its weight in percent (the weights add up to 100). */
export interface PlanStep {
  name: string;
  weight: number;
}

/** The FY2564 plan (seed page, "แผนการดำเนินงาน"): the default for a new fiscal year. */
export const DEFAULT_PLAN_STEPS: readonly PlanStep[] = [
  {
    name: 'จัดทำแผนการเผยแพร่อินโฟกราฟิกเพื่อสร้างภาพลักษณ์ของกรุงเทพมหานครผ่านสื่อสังคมออนไลน์',
    weight: 10,
  },
  {
    name: 'จัดทำอินโฟกราฟิกเพื่อสร้างภาพลักษณ์ของกรุงเทพมหานคร นำเสนอเรื่องราวของกรุงเทพมหานครตามยุทธศาสตร์การพัฒนาทั้ง 7 ด้าน และนโยบายของผู้บริหารกรุงเทพมหานคร',
    weight: 35,
  },
  {
    name: 'เผยแพร่อินโฟกราฟิกเพื่อสร้างภาพลักษณ์ของกรุงเทพมหานครผ่านสื่อสังคมออนไลน์',
    weight: 45,
  },
  { name: 'ติดตามประเมินผลและนำเสนอต่อผู้บริหาร', weight: 10 },
];

/** The goal on the FY2564 page: 90 % of 50 stories must each reach at least 3,000 people. */
export const DEFAULT_KPI_TARGETS = {
  threshold: 3000,
  targetStories: 50,
  targetPercent: 90,
  storyReach: 'sum' as StoryReachMode,
} as const;
