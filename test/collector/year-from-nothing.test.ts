/**
 * The year from nothing: an empty store, the simulator's FY2564 world (the 74 infographics on
 * Facebook, cross-posts on five other platforms, ordinary posts among them), the clock stepped to
 * each report date with discovery and harvesting run at each step, all through the real collector
 * pipeline (connectors over HTTP, BullMQ on Redis, the store). At the end the store must hold the
 * office's own figures, which are asserted here as the literals the office reported.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatMonthlyEntry, storiesOfMonth, type MonthlyEntryStory } from '@reachline/shared';
import { loadFy2564 } from '@reachline/shared/data';
import { kpiFiguresId, postObjectId } from '@reachline/shared/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from '../helpers/collector';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
let c: TestCollector;
const seed = loadFy2564();

/** What the store's stories say at each report date: the month's items, and entry (5) whole. */
const itemsAtReportDate = new Map<string, { title: string; reach: number }[]>();
let entry5 = '';
const seedEntry5 = (
  JSON.parse(
    readFileSync(resolve(import.meta.dirname, '../../data/fy2564/entry-texts.json'), 'utf8'),
  ) as { entries: Record<string, string> }
).entries['5'];

async function storiesInStore(): Promise<MonthlyEntryStory[]> {
  const stories = await c.models.Story.find({ 'period.fiscalYear': 2564 }).lean();
  return stories.map((s) => ({ title: s.title, publishedAt: s.publishedAt, reach: s.reach }));
}

/** Noon in Bangkok on a YYYY-MM-DD date. */
const bangkokNoon = (date: string) => new Date(`${date}T12:00:00+07:00`);

beforeAll(async () => {
  c = await startTestCollector(db, { start: new Date('2020-10-01T00:00:00+07:00') });
  // What an admin sets for the year: the office's hashtag, and Facebook's number as the reach.
  await c.models.KpiSettings.create({
    fiscalYear: 2564,
    infographicRule: { hashtags: ['อินโฟกราฟิกกทม'], keywords: [] },
    countedPlatforms: ['facebook'],
  });
  const reportDates = [...new Set(seed.posts.map((p) => p.reportDate))].sort();
  for (const date of reportDates) {
    await c.setTime(bangkokNoon(date));
    await c.step();
    // The entry written on this date, from the numbers harvested so far.
    const month = seed.posts.find((p) => p.reportDate === date)!.month;
    const stories = await storiesInStore();
    itemsAtReportDate.set(
      date,
      storiesOfMonth(stories, month).map((s) => ({ title: s.title, reach: s.reach })),
    );
    if (date === '2021-04-29') {
      entry5 = formatMonthlyEntry({
        entryNumber: 5,
        reportDate: date,
        progressPercent: 50,
        stories,
        problems: 'ไม่มี',
        obstacles: 'ไม่มี',
      });
    }
  }
}, 600_000);

afterAll(async () => {
  await c?.close();
});

describe('FY2564 harvested from nothing', () => {
  it('says 74 published, 69 passed, 93.24 %', async () => {
    const figures = await c.models.KpiFigures.findById(kpiFiguresId(2564)).lean();
    expect(figures?.published).toBe(74);
    expect(figures?.passed).toBe(69);
    expect(((figures!.passed * 100) / figures!.published).toFixed(2)).toBe('93.24');
    // The stories collection agrees with the figures document.
    expect(await c.models.Story.countDocuments({ 'period.fiscalYear': 2564 })).toBe(74);
    expect(await c.models.Story.countDocuments({ 'period.fiscalYear': 2564, passed: true })).toBe(
      69,
    );
  });

  it('has the quarters the office reported: Q1 25/20, Q2 34/34, Q3 15/15', async () => {
    const figures = await c.models.KpiFigures.findById(kpiFiguresId(2564)).lean();
    const months = figures!.months as unknown as Record<
      string,
      { published: number; passed: number }
    >;
    const quarter = (keys: string[]) =>
      keys.reduce(
        (t, k) => ({
          published: t.published + (months[k]?.published ?? 0),
          passed: t.passed + (months[k]?.passed ?? 0),
        }),
        { published: 0, passed: 0 },
      );
    expect(quarter(['2020-10', '2020-11', '2020-12'])).toEqual({ published: 25, passed: 20 });
    expect(quarter(['2021-01', '2021-02', '2021-03'])).toEqual({ published: 34, passed: 34 });
    expect(quarter(['2021-04', '2021-05', '2021-06'])).toEqual({ published: 15, passed: 15 });
    expect(quarter(['2021-07', '2021-08', '2021-09'])).toEqual({ published: 0, passed: 0 });
  });

  it('has every story at the reach the office recorded on its report date', async () => {
    const catalog = await c.admin.posts({ platform: 'facebook', limit: 1000 });
    const bySeed = new Map(
      catalog.posts.filter((p) => p.seedId).map((p) => [p.seedId!, p.id] as const),
    );
    const wrong: string[] = [];
    for (const s of seed.posts) {
      const externalId = bySeed.get(s.seedId);
      const post = externalId
        ? await c.models.Post.findById(postObjectId('facebook', externalId)).lean()
        : null;
      const story = post?.storyId ? await c.models.Story.findById(post.storyId).lean() : null;
      if (story?.reach !== s.reach) wrong.push(`${s.seedId}: ${story?.reach} ≠ ${s.reach}`);
    }
    expect(wrong).toEqual([]);
  });

  it('keeps ordinary posts out of the count and cross-posts inside their story', async () => {
    const ordinary = await c.models.Post.countDocuments({ isInfographic: false });
    expect(ordinary).toBeGreaterThan(0);
    const crossPosted = await c.models.Story.countDocuments({ 'platforms.1': { $exists: true } });
    expect(crossPosted).toBeGreaterThan(0);
  });

  it('writes, at each report date, the items of the month the office listed, from harvested numbers', () => {
    const dates = [...new Set(seed.posts.map((p) => p.reportDate))].sort();
    expect(dates).toHaveLength(9);
    for (const date of dates) {
      const listed = seed.posts
        .filter((p) => p.reportDate === date)
        .sort((a, b) => Number(a.index) - Number(b.index))
        .map((p) => ({ title: p.title, reach: p.reach }));
      expect(itemsAtReportDate.get(date), date).toEqual(listed);
    }
  });

  it('writes entry (5) byte for byte as the office filed it, on 2021-04-29', () => {
    expect(seedEntry5).toBeDefined();
    expect(entry5).toBe(seedEntry5);
  });
});
