import { describe, expect, it } from 'vitest';
import { loadFy2564 } from './data/fy2564';
import {
  DEFAULT_PLAN_STEPS,
  type KpiStory,
  cumulativeByQuarter,
  formatPercent,
  passRate,
  percentOf,
  quotaProgress,
  quotaStories,
  ratioToPercent,
  storiesFromPosts,
  storyPasses,
  storyReach,
  tallyByMonth,
  tallyByQuarter,
  tallyStories,
} from './kpi';

const THRESHOLD = 3000;

/** Each seed post is its own story (the page lists no cross-posts). */
const seedStories = (): KpiStory[] =>
  loadFy2564().posts.map((p) => ({ publishedAt: p.publishedAt, reach: p.reach }));

describe('storyPasses', () => {
  it.each([
    [2999, false],
    [3000, true],
    [3001, true],
    [0, false],
  ])('reach %i at threshold 3,000 passes: %s', (reach, passes) => {
    expect(storyPasses(reach, THRESHOLD)).toBe(passes);
  });
});

describe('passRate', () => {
  it.each([
    [69, 74, 69 / 74],
    [0, 5, 0],
    [5, 5, 1],
    [0, 0, null],
  ])('%i of %i -> %s', (passed, published, rate) => {
    expect(passRate(passed, published)).toBe(rate);
  });

  it.each([
    [6, 5],
    [-1, 5],
    [1.5, 5],
  ])('rejects %s passed of %s published', (passed, published) => {
    expect(() => passRate(passed, published)).toThrow(RangeError);
  });
});

describe('percent helpers', () => {
  it.each([
    [69, 74, 93.24],
    [54, 59, 91.53],
    [20, 25, 80],
    [1, 8, 12.5],
    [2, 3, 66.67],
    [1, 32, 3.13], // 3.125 rounds half up
    [0, 0, null],
  ])('percentOf(%i, %i) = %s', (part, whole, percent) => {
    expect(percentOf(part, whole)).toBe(percent);
  });

  it.each([
    [93.24, '93.24'],
    [80, '80.00'],
    [1.005, '1.01'],
    [100, '100.00'],
    [1e-7, '0.00'],
    [null, 'n/a'],
  ])('formatPercent(%s) = "%s"', (percent, text) => {
    expect(formatPercent(percent)).toBe(text);
  });

  it('formats "nothing published" with the caller\'s placeholder', () => {
    expect(formatPercent(null, '-')).toBe('-');
  });

  it.each([
    [0.932432, 93.24],
    [0.5, 50],
    [1, 100],
  ])('ratioToPercent(%s) = %s', (ratio, percent) => {
    expect(ratioToPercent(ratio)).toBe(percent);
  });
});

describe('quotaStories', () => {
  it.each([
    [90, 50, 45], // the FY2564 goal
    // Float traps: targetPercent / 100 * targetStories is 7.000000000000001 (-> 8) for 14 % of 50,
    // 55.00000000000001 (-> 56) for 55 % of 100, 14.000000000000002 (-> 15) for 28 % of 50.
    [14, 50, 7],
    [55, 100, 55],
    [28, 50, 14],
    [7, 100, 7],
    [100, 50, 50],
    [0, 50, 0],
    [91, 50, 46], // 45.5 rounds up
    [92.5, 40, 37],
    [33.33, 3, 1],
    [90, 0, 0],
  ])('quotaStories(%s, %i) = %i', (targetPercent, targetStories, quota) => {
    expect(quotaStories(targetPercent, targetStories)).toBe(quota);
  });

  it.each([
    [101, 50],
    [-1, 50],
    [90, 2.5],
    [Number.NaN, 50],
  ])('quotaStories(%s, %s) throws', (targetPercent, targetStories) => {
    expect(() => quotaStories(targetPercent, targetStories)).toThrow(RangeError);
  });
});

describe('quotaProgress', () => {
  it.each([
    [0, 45, { remaining: 45, percent: 0, met: false }],
    [44, 45, { remaining: 1, percent: 97.78, met: false }],
    [45, 45, { remaining: 0, percent: 100, met: true }],
    [69, 45, { remaining: 0, percent: 153.33, met: true }],
    [0, 0, { remaining: 0, percent: 100, met: true }],
  ])('%i passed toward a quota of %i', (passed, quota, expected) => {
    expect(quotaProgress(passed, quota)).toMatchObject({ passed, quota, ...expected });
  });
});

describe('KPI over the FY2564 seed', () => {
  it('74 stories, 69 at or above 3,000 = 93.24 %', () => {
    expect(tallyStories(seedStories(), THRESHOLD)).toEqual({
      published: 74,
      passed: 69,
      passRate: 69 / 74,
      passPercent: 93.24,
    });
  });

  it.each([
    [1, 25, 20, 80],
    [2, 34, 34, 100],
    [3, 15, 15, 100],
    [4, 0, 0, null],
  ] as const)('Q%i: %i published, %i passed (%s %%)', (quarter, published, passed, percent) => {
    const row = tallyByQuarter(seedStories(), THRESHOLD, 2564)[quarter - 1];
    expect(row).toMatchObject({
      quarter,
      quarterKey: `2564-Q${quarter}`,
      published,
      passed,
      passPercent: percent,
    });
  });

  it.each([
    [1, 25, 20, '80.00'],
    [2, 59, 54, '91.53'],
    [3, 74, 69, '93.24'],
    [4, 74, 69, '93.24'],
  ] as const)('cumulative at the end of Q%i: %i/%i = %s %%', (quarter, published, passed, text) => {
    const row = cumulativeByQuarter(seedStories(), THRESHOLD, 2564)[quarter - 1];
    expect(row).toMatchObject({ quarter, published, passed });
    expect(formatPercent(row!.passPercent)).toBe(text);
  });

  it.each([
    ['2020-10', 8, 6],
    ['2020-11', 8, 8],
    ['2020-12', 9, 6],
    ['2021-01', 12, 12],
    ['2021-03', 10, 10],
    ['2021-06', 4, 4],
    ['2021-07', 0, 0],
    ['2021-09', 0, 0],
  ])('month %s: %i published, %i passed', (monthKey, published, passed) => {
    const months = tallyByMonth(seedStories(), THRESHOLD, 2564);
    expect(months).toHaveLength(12);
    expect(months.find((m) => m.monthKey === monthKey)).toMatchObject({ published, passed });
  });

  it('another fiscal year sees none of the FY2564 stories', () => {
    const quarters = tallyByQuarter(seedStories(), THRESHOLD, 2565);
    expect(quarters.map((q) => q.published)).toEqual([0, 0, 0, 0]);
    expect(quarters.every((q) => q.passRate === null)).toBe(true);
  });

  it('the FY2564 goal is met: 69 passing stories against a quota of 45', () => {
    const { passed } = tallyStories(seedStories(), THRESHOLD);
    expect(quotaProgress(passed, quotaStories(90, 50))).toMatchObject({ quota: 45, met: true });
  });
});

describe('storyReach', () => {
  it.each([
    [[1000, 2500], 'sum', 3500],
    [[1000, 2500], 'max', 2500],
    [[1000, null, undefined], 'sum', 1000],
    [[null], 'max', 0],
    [[], 'sum', 0],
  ] as const)('%j by %s = %i', (reaches, mode, reach) => {
    expect(storyReach(reaches, mode)).toBe(reach);
  });
});

describe('storiesFromPosts', () => {
  const d = (iso: string): Date => new Date(iso);
  const posts = [
    { id: 'fb1', storyId: 's1', publishedAt: d('2021-06-02T03:00:00Z'), latestReach: 2000 },
    { id: 'ig1', storyId: 's1', publishedAt: d('2021-06-01T03:00:00Z'), latestReach: 1500 },
    { id: 'x1', storyId: null, publishedAt: d('2021-06-03T03:00:00Z'), latestReach: 4000 },
    { id: 'yt1', publishedAt: d('2021-06-04T03:00:00Z'), latestReach: null },
  ];

  it.each([
    ['sum', 's1', 3500, ['fb1', 'ig1'], '2021-06-01T03:00:00.000Z'],
    ['max', 's1', 2000, ['fb1', 'ig1'], '2021-06-01T03:00:00.000Z'],
    ['sum', 'x1', 4000, ['x1'], '2021-06-03T03:00:00.000Z'],
    ['sum', 'yt1', 0, ['yt1'], '2021-06-04T03:00:00.000Z'],
  ] as const)('by %s, story %s reaches %i', (mode, storyId, reach, postIds, publishedAt) => {
    const stories = storiesFromPosts(posts, mode);
    expect(stories).toHaveLength(3);
    const story = stories.find((s) => s.storyId === storyId);
    expect(story).toMatchObject({ reach, postIds });
    expect(story!.publishedAt.toISOString()).toBe(publishedAt);
  });

  it('a cross-posted story passes on the sum but not on the max', () => {
    const [sum, max] = (['sum', 'max'] as const).map((mode) =>
      storiesFromPosts(posts, mode).find((s) => s.storyId === 's1')!,
    );
    expect(storyPasses(sum!.reach, THRESHOLD)).toBe(true);
    expect(storyPasses(max!.reach, THRESHOLD)).toBe(false);
  });
});

describe('DEFAULT_PLAN_STEPS', () => {
  it('weights add up to 100 %', () => {
    expect(DEFAULT_PLAN_STEPS.reduce((sum, step) => sum + step.weight, 0)).toBe(100);
  });
});
