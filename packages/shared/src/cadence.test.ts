import { describe, expect, it } from 'vitest';
import {
  type CadenceOptions,
  cadenceFor,
  harvestStopAge,
  isHarvestDue,
  isNearThreshold,
  nextHarvestAt,
} from './cadence';

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;

describe('cadenceFor: the table at every boundary', () => {
  it.each([
    ['published just now', 0, 15 * MIN],
    ['clock skew (negative age)', -5 * MIN, 15 * MIN],
    ['one ms before 24 h', D - 1, 15 * MIN],
    ['exactly 24 h', D, H],
    ['one ms before day 7', 7 * D - 1, H],
    ['exactly day 7', 7 * D, 6 * H],
    ['one ms before day 30', 30 * D - 1, 6 * H],
    ['exactly day 30', 30 * D, D],
    ['one ms before day 90', 90 * D - 1, D],
    ['exactly day 90', 90 * D, null],
    ['a year old', 365 * D, null],
  ])('%s -> %s ms', (_label, age, interval) => {
    expect(cadenceFor(age)).toBe(interval);
  });

  it('rejects NaN ages instead of scheduling nonsense', () => {
    expect(() => cadenceFor(Number.NaN)).toThrow(RangeError);
  });
});

describe('cadenceFor: re-opened and near-threshold posts', () => {
  const near: CadenceOptions = { latestReach: 2850, threshold: 3000 };
  it.each([
    ['re-opened, day 90', 90 * D, { reopened: true }, D],
    ['re-opened, day 400', 400 * D, { reopened: true }, D],
    ['re-opened young post keeps the fast table', 2 * H, { reopened: true }, 15 * MIN],
    ['near threshold, day 10 (table unchanged)', 10 * D, near, 6 * H],
    ['near threshold, day 90', 90 * D, near, D],
    ['near threshold, one ms before day 180', 180 * D - 1, near, D],
    ['near threshold, day 180', 180 * D, near, null],
    ['passed the threshold, day 90', 90 * D, { latestReach: 3000, threshold: 3000 }, null],
    ['far below, day 90', 90 * D, { latestReach: 2699, threshold: 3000 }, null],
    ['reach unknown, day 90', 90 * D, { latestReach: null, threshold: 3000 }, null],
    ['reach but no threshold, day 90', 90 * D, { latestReach: 2850 }, null],
  ] as const)('%s', (_label, age, options, interval) => {
    expect(cadenceFor(age, options)).toBe(interval);
  });
});

describe('isNearThreshold (within 10 % below)', () => {
  it.each([
    [2699, false],
    [2700, true],
    [2999, true],
    [3000, false],
    [null, false],
    [undefined, false],
  ])('reach %s near 3,000: %s', (reach, near) => {
    expect(isNearThreshold(reach, 3000)).toBe(near);
  });
});

describe('harvestStopAge', () => {
  it.each([
    [{}, 90 * D],
    [{ reopened: true }, Number.POSITIVE_INFINITY],
    [{ latestReach: 2900, threshold: 3000 }, 180 * D],
    [{ latestReach: 2900, threshold: 3000, reopened: true }, Number.POSITIVE_INFINITY],
  ])('%o -> %s', (options, age) => {
    expect(harvestStopAge(options)).toBe(age);
  });
});

describe('nextHarvestAt', () => {
  const published = new Date('2021-06-01T03:00:00Z');
  const after = (ms: number): Date => new Date(published.getTime() + ms);

  it.each([
    ['first read right after publishing', 0, {}, 15 * MIN],
    ['last 15-minute slot before 24 h', D - 15 * MIN, {}, D],
    ['23:50 old: still the 15-minute interval', D - 10 * MIN, {}, D + 5 * MIN],
    ['exactly 24 h old: hourly', D, {}, D + H],
    ['day 7: every 6 h', 7 * D, {}, 7 * D + 6 * H],
    ['day 30: daily', 30 * D, {}, 31 * D],
    ['day 89: last daily read', 89 * D, {}, 90 * D],
    ['day 89 and 12 h: final read snaps to day 90', 89 * D + 12 * H, {}, 90 * D],
    ['day 90: stopped', 90 * D, {}, null],
    ['never harvested, asked at day 120: stopped', 120 * D, {}, null],
    ['re-opened at day 120: tomorrow', 120 * D, { reopened: true }, 121 * D],
    ['near threshold at day 90: tomorrow', 90 * D, { latestReach: 2950, threshold: 3000 }, 91 * D],
    [
      'near threshold at day 179.5: snaps to day 180',
      179 * D + 12 * H,
      { latestReach: 2950, threshold: 3000 },
      180 * D,
    ],
    ['clock skew: harvest time before publishedAt', -10 * MIN, {}, -10 * MIN + 15 * MIN],
  ] as const)('%s', (_label, fromAge, options, expectedAge) => {
    const next = nextHarvestAt(published, after(fromAge), options);
    expect(next === null ? null : next.getTime() - published.getTime()).toBe(expectedAge);
  });

  it('walking the schedule from publication reads a post 96 + 144 + 92 + 60 times', () => {
    // 24 h of 15-minute reads, days 1..7 hourly, days 7..30 every 6 h, days 30..90 daily.
    let reads = 0;
    let at: Date | null = published;
    while (at) {
      reads++;
      at = nextHarvestAt(published, at);
    }
    expect(reads - 1).toBe(96 + 144 + 92 + 60);
  });

  it('rejects invalid dates', () => {
    expect(() => nextHarvestAt(new Date('x'), published)).toThrow(RangeError);
  });
});

describe('isHarvestDue', () => {
  const now = new Date('2021-06-01T03:00:00Z');
  it.each([
    [new Date('2021-06-01T02:59:59Z'), true],
    [now, true],
    [new Date('2021-06-01T03:00:01Z'), false],
    [null, false],
    [undefined, false],
  ])('next %s is due: %s', (next, due) => {
    expect(isHarvestDue(next, now)).toBe(due);
  });
});
