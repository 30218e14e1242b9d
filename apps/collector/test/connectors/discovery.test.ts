import { INFOGRAPHIC_MARKER } from '@reachline/platform-sim';
import type { Platform } from '@reachline/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { discoverAll, startSim, type TestSim } from './helpers';

/** Platforms whose simulator serves a post list today (YouTube and LINE: see their own files). */
const LISTED: Platform[] = ['facebook', 'instagram', 'x', 'tiktok'];
/** Posts per list page each connector asks for. */
const PAGE_SIZE: Record<string, number> = { facebook: 100, instagram: 100, x: 100, tiktok: 20 };

let t: TestSim;

/** The instant a platform gives: Graph and TikTok to the second, X to the millisecond. */
const discoveredAt = (platform: Platform, iso: string): number =>
  platform === 'x' ? Date.parse(iso) : Math.floor(Date.parse(iso) / 1000) * 1000;

// 500 generated stories: every platform has more posts than one list page holds.
beforeAll(async () => {
  t = await startSim({ dataset: 'generated', posts: 500, emptyPageEvery: 3 });
});
afterAll(() => t.close());
beforeEach(() => t.reset());

describe.each(LISTED)('%s discovery', (platform) => {
  it('lists exactly the account’s posts, page by page, one call per page', async () => {
    const catalog = await t.catalog(platform);
    const before = await t.lastSeq();
    const run = await discoverAll(t.connector(platform), t.account(platform));

    expect(run.posts.map((p) => p.externalId).sort()).toEqual(catalog.map((p) => p.id).sort());
    expect(run.posts).toHaveLength(catalog.length);
    expect(catalog.length).toBeGreaterThan(PAGE_SIZE[platform] ?? 0);
    expect(run.pages).toBeGreaterThanOrEqual(
      Math.ceil(catalog.length / (PAGE_SIZE[platform] ?? 1)),
    );
    expect(run.apiCalls).toBe(run.pages);
    expect(await t.requestsSince(platform, before)).toBe(run.apiCalls);
  });

  it('gives each post its instant, first line as title and Thai hashtags', async () => {
    const catalog = new Map((await t.catalog(platform)).map((p) => [p.id, p]));
    const { posts } = await discoverAll(t.connector(platform), t.account(platform));
    for (const post of posts) {
      const c = catalog.get(post.externalId);
      expect(c).toBeDefined();
      expect(post.publishedAt.getTime()).toBe(discoveredAt(platform, c?.publishedAt ?? ''));
      expect(post.title).toBe(c?.title);
      expect(post.hashtags).toContain('กรุงเทพมหานคร');
      expect(post.hashtags.includes(INFOGRAPHIC_MARKER.slice(1))).toBe(c?.infographic);
      expect(post.url).toMatch(/^https:\/\//);
    }
  });

  it('stops at `since` and leaves out posts after `until`', async () => {
    const catalog = (await t.catalog(platform))
      .map((p) => ({ id: p.id, at: discoveredAt(platform, p.publishedAt) }))
      .sort((a, b) => b.at - a.at);
    // A window in the middle of the timeline, so both bounds cut something.
    const until = new Date(catalog[Math.floor(catalog.length * 0.2)]?.at ?? 0);
    const since = new Date(catalog[Math.floor(catalog.length * 0.5)]?.at ?? 0);
    const expected = catalog
      .filter((p) => p.at >= since.getTime() && p.at <= until.getTime())
      .map((p) => p.id);
    expect(expected.length).toBeGreaterThan(10);
    const full = await discoverAll(t.connector(platform), t.account(platform));
    const run = await discoverAll(t.connector(platform), t.account(platform), { since, until });

    expect(new Set(run.posts.map((p) => p.externalId))).toEqual(new Set(expected));
    expect(run.apiCalls).toBeLessThan(full.apiCalls);
  });
});

describe('Facebook paging', () => {
  it('goes on past an empty page that still has `next`', async () => {
    const run = await discoverAll(t.connector('facebook'), t.account('facebook'));
    expect(run.emptyPages).toBeGreaterThan(0);
    expect(run.posts).toHaveLength((await t.catalog('facebook')).length);
  });

  it('never puts the token in a URL it sends', async () => {
    const before = await t.lastSeq();
    await discoverAll(t.connector('facebook'), t.account('facebook'));
    const log = await t.admin.requests({ platform: 'facebook', since: before });
    expect(log.entries.length).toBeGreaterThan(1);
    for (const e of log.entries) expect(e.query).not.toContain('access_token');
  });
});
