/**
 * YouTube discovery (channels.list → uploads playlist → playlistItems.list) and LINE discovery
 * (custom aggregation units of the month) against the simulator.
 */
import type { CatalogPost } from '@reachline/platform-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { discoverAll, startSim, type TestSim } from './helpers';

const DAY = 86_400_000;

describe('YouTube discovery', () => {
  let t: TestSim;
  beforeAll(async () => {
    // Enough generated stories for more than one page of 50 uploads.
    t = await startSim({ dataset: 'generated', posts: 600 });
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  it('lists exactly the channel’s videos: one channels call, then one call per page', async () => {
    const catalog = await t.catalog('youtube');
    expect(catalog.length).toBeGreaterThan(50);
    const before = await t.lastSeq();
    const run = await discoverAll(t.connector('youtube'), t.account('youtube'));

    expect(run.posts.map((p) => p.externalId).sort()).toEqual(catalog.map((p) => p.id).sort());
    const pages = Math.ceil(catalog.length / 50);
    expect(run.pages).toBe(pages);
    expect(run.apiCalls).toBe(pages + 1);
    const log = await t.admin.requests({ platform: 'youtube', since: before });
    expect(log.entries.map((e) => e.path.replace(/^.*\/v3/, ''))).toEqual([
      '/channels',
      ...Array.from({ length: pages }, () => '/playlistItems'),
    ]);
  });

  it('gives each video its publication instant, title and hashtags', async () => {
    const catalog = new Map((await t.catalog('youtube')).map((p) => [p.id, p]));
    const { posts } = await discoverAll(t.connector('youtube'), t.account('youtube'));
    for (const post of posts) {
      const c = catalog.get(post.externalId);
      expect(Math.floor(post.publishedAt.getTime() / 1000)).toBe(
        Math.floor(Date.parse(c?.publishedAt ?? '') / 1000),
      );
      expect(post.title).toBe(c?.title);
      expect(post.url).toBe(`https://www.youtube.com/watch?v=${post.externalId}`);
      expect(post.hashtags).toContain('กรุงเทพมหานคร');
      expect(post.mediaType).toBe('video');
    }
  });

  it('stops at `since`', async () => {
    const catalog = (await t.catalog('youtube')).sort(
      (a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt),
    );
    const since = new Date(Math.floor(Date.parse(catalog[20]?.publishedAt ?? '') / 1000) * 1000);
    const run = await discoverAll(t.connector('youtube'), t.account('youtube'), { since });
    expect(run.posts.map((p) => p.externalId).sort()).toEqual(
      catalog
        .slice(0, 21)
        .map((p) => p.id)
        .sort(),
    );
    expect(run.apiCalls).toBe(2);
  });
});

/** The JST (UTC+9) month of an instant, `YYYY-MM`. */
const jstMonth = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(0, 7);

describe('LINE discovery by custom aggregation unit', () => {
  let t: TestSim;
  let inMonth: CatalogPost[];
  let endOfMonth: number;

  beforeAll(async () => {
    t = await startSim({ dataset: 'generated', posts: 600, limits: { line: { limit: 1000 } } });
    const line = await t.catalog('line');
    const counts = new Map<string, number>();
    for (const p of line) {
      const m = jstMonth(Date.parse(p.publishedAt));
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    const month = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
    inMonth = line.filter((p) => jstMonth(Date.parse(p.publishedAt)) === month);
    const [y, m] = month.split('-').map(Number) as [number, number];
    // 23:00 JST on the last day of that month.
    endOfMonth = Date.UTC(y, m, 1) - 9 * 3_600_000 - 3_600_000;
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.reset();
    await t.admin.setClock({ mode: 'fixed', at: new Date(endOfMonth).toISOString() });
  });

  it('lists exactly the units used this month, each dated by its name', async () => {
    expect(inMonth.length).toBeGreaterThan(3);
    const run = await discoverAll(t.connector('line'), t.account('line'));
    expect(run.posts.map((p) => p.externalId).sort()).toEqual(
      inMonth.map((p) => p.unit ?? '').sort(),
    );
    for (const post of run.posts) {
      const c = inMonth.find((p) => p.unit === post.externalId);
      // The unit's date is the Bangkok date of the send.
      const sent = Date.parse(c?.publishedAt ?? '');
      expect(post.publishedAt.getTime()).toBeLessThanOrEqual(sent);
      expect(sent - post.publishedAt.getTime()).toBeLessThan(DAY);
      expect(post.title).toBe(post.externalId);
    }
  });

  it('reads a unit’s reach, equal to its catalog figure once the curve has ended', async () => {
    const run = await discoverAll(t.connector('line'), t.account('line'));
    const units = run.posts.map((p) => p.externalId).slice(0, 20);
    await t.admin.setClock({ mode: 'fixed', at: new Date(endOfMonth + 60 * DAY).toISOString() });
    const before = await t.lastSeq();
    const r = await t.connector('line').readReach(t.account('line'), units);
    expect(r.failures).toEqual([]);
    expect(r.apiCalls).toBe(units.length);
    expect(await t.requestsSince('line', before)).toBe(units.length);
    for (const reading of r.readings) {
      const c = inMonth.find((p) => p.unit === reading.externalId);
      expect(reading.reach).toBe((c?.finalReach ?? 0) < 20 ? null : c?.finalReach);
    }
  });

  it('a unit and the request id of the same send read the same', async () => {
    const big = inMonth.reduce((a, b) => (a.finalReach > b.finalReach ? a : b));
    await t.admin.setClock({
      mode: 'fixed',
      at: new Date(Date.parse(big.publishedAt) + 2 * DAY).toISOString(),
    });
    const r = await t.connector('line').readReach(t.account('line'), [big.unit ?? '', big.id]);
    expect(r.readings).toHaveLength(2);
    const [a, b] = r.readings;
    expect(a?.reach).toBeTypeOf('number');
    expect(a?.reach).toBe(b?.reach);
  });

  it('does not list last month’s units once the month has turned', async () => {
    await t.admin.setClock({
      mode: 'fixed',
      at: new Date(endOfMonth + 2 * 3_600_000).toISOString(),
    });
    const run = await discoverAll(t.connector('line'), t.account('line'));
    const listed = new Set(run.posts.map((p) => p.externalId));
    for (const p of inMonth) expect(listed.has(p.unit ?? '')).toBe(false);
  });
});
