/**
 * The FY2564 year, faithfully: each of the 74 seed posts reaches the reach the office recorded on
 * the report date of the entry that listed it (read in Bangkok time, the office's), stays there
 * afterwards, and is lower at any earlier instant. Expected values come from the seed files
 * (`loadFy2564()`: posts.json for the reach, entries.json for the entry's report date), read over
 * HTTP through the Facebook Graph batch.
 */
import { loadFy2564 } from '@reachline/shared/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getJson,
  insightItem,
  metricValue,
  postBatch,
  readAllPages,
  start,
  type BatchItem,
  type GraphBody,
  type TestSim,
} from './helpers';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const METRIC = 'post_total_media_view_unique';

let t: TestSim;
const seed = loadFy2564();
/** Report date of each entry, from entries.json (not the post's own copy of it). */
const reportDateOf = new Map(seed.entries.map((e) => [e.entry, e.reportDate] as const));
/** 00:00 on a date in Bangkok (UTC+7), written out rather than computed by the simulator. */
const bangkokMidnight = (date: string) => Date.parse(`${date}T00:00:00+07:00`);
/** Facebook post id of each seed post, by seed id. */
let fbIdOf: Map<string, string>;

beforeAll(async () => {
  // Every batch item counts against the page's BUC quota; this file reads a few thousand.
  t = await start({ clock: { mode: 'fixed' }, limits: { facebook: { callQuota: 1_000_000 } } });
  const catalog = await t.admin.posts({ platform: 'facebook', origin: 'seed' });
  fbIdOf = new Map(catalog.posts.map((p) => [p.seedId ?? '', p.id]));
});
afterAll(() => t.sim.close());

/** Reach of seed posts (default all) at a simulated instant, by seed id (−1 when not answered). */
async function reachAt(
  at: number,
  posts: typeof seed.posts = seed.posts,
): Promise<Map<string, number>> {
  await t.admin.setClock({ mode: 'fixed', at: new Date(at) });
  const fb = t.account('facebook');
  const ids = posts.map((p) => fbIdOf.get(p.seedId) ?? '');
  const out = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 50) {
    const chunk = ids.slice(i, i + 50);
    const r = await postBatch(
      t.sim.rootUrls.facebook,
      fb.token,
      chunk.map((id) => insightItem(id, METRIC)),
    );
    expect(r.status).toBe(200);
    (r.body as BatchItem[]).forEach((item, k) => {
      const post = posts[i + k];
      if (!post) return;
      if (item.code !== 200) {
        out.set(post.seedId, -1);
        return;
      }
      out.set(post.seedId, metricValue((JSON.parse(item.body) as GraphBody).data, METRIC) ?? -1);
    });
  }
  return out;
}

describe('FY2564 seed posts end their curves on their entry’s report date', () => {
  it('has one Facebook post for each of the 74 seed posts', () => {
    expect(seed.posts).toHaveLength(74);
    expect(fbIdOf.size).toBe(74);
    for (const p of seed.posts) expect(fbIdOf.get(p.seedId), p.seedId).toBeDefined();
  });

  const dates = [...new Set(seed.posts.map((p) => reportDateOf.get(p.entry) ?? '?'))].sort();

  it('reads 9 report dates from the entries', () => {
    expect(dates).toHaveLength(9);
    expect(dates).toContain('2021-04-29');
  });

  it.each(dates)(
    'on %s: that entry’s posts read exactly the recorded reach, earlier entries’ posts still do, later ones do not yet',
    async (date) => {
      const at = bangkokMidnight(date);
      const reach = await reachAt(at);
      const listed = seed.posts.filter((p) => reportDateOf.get(p.entry) === date);
      expect(listed.length).toBeGreaterThan(0);
      for (const p of seed.posts) {
        const v = reach.get(p.seedId);
        const pDate = reportDateOf.get(p.entry) ?? '';
        if (pDate <= date) expect(v, `${p.seedId} on ${date}`).toBe(p.reach);
        else expect(v, `${p.seedId} on ${date}`).toBeLessThan(p.reach);
      }
      // Later the same report day (noon Bangkok, and the last second of the UTC day).
      for (const later of [at + 12 * HOUR, Date.parse(`${date}T23:59:59Z`)]) {
        const r = await reachAt(later, listed);
        for (const p of listed) expect(r.get(p.seedId), `${p.seedId} later`).toBe(p.reach);
      }
    },
  );

  it('stays at the recorded reach one day, one month and one year after the report date', async () => {
    for (const date of dates) {
      const listed = seed.posts.filter((p) => reportDateOf.get(p.entry) === date);
      for (const after of [DAY, 30 * DAY, 365 * DAY]) {
        const r = await reachAt(bangkokMidnight(date) + after, listed);
        for (const p of listed) expect(r.get(p.seedId), `${p.seedId} +${after}`).toBe(p.reach);
      }
    }
  });

  it('is lower than the recorded reach one hour before the report date, and grows towards it', async () => {
    for (const date of dates) {
      const listed = seed.posts.filter((p) => reportDateOf.get(p.entry) === date);
      const hourBefore = await reachAt(bangkokMidnight(date) - HOUR, listed);
      const halfWay = new Map<string, number>();
      for (const p of listed) {
        const v = hourBefore.get(p.seedId) ?? -1;
        expect(v, `${p.seedId} 1 h before ${date}`).toBeLessThan(p.reach);
        expect(v, `${p.seedId} 1 h before ${date}`).toBeGreaterThan(0);
      }
      // Half-way between publication and the report date the value is lower still (or equal).
      for (const p of listed) {
        const mid = (p.publishedAt.getTime() + bangkokMidnight(date)) / 2;
        halfWay.set(p.seedId, (await reachAt(mid, [p])).get(p.seedId) ?? -1);
        expect(halfWay.get(p.seedId)).toBeLessThanOrEqual(hourBefore.get(p.seedId) ?? -1);
        expect(halfWay.get(p.seedId)).toBeLessThan(p.reach);
      }
    }
  });

  it('is invisible before its publication, and the page listing carries the recorded reach on the report date', async () => {
    const april = seed.posts.filter((p) => reportDateOf.get(p.entry) === '2021-04-29');
    expect(april).toHaveLength(6);
    const first = april.reduce((a, b) => (a.publishedAt < b.publishedAt ? a : b));
    await t.admin.setClock({ mode: 'fixed', at: new Date(first.publishedAt.getTime() - 1000) });
    const fb = t.account('facebook');
    const r = await getJson(
      `${t.sim.rootUrls.facebook}/${fbIdOf.get(first.seedId) ?? ''}?fields=id&access_token=${fb.token}`,
    );
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe(100);

    // On the report date the page's own listing (insights expanded) carries the recorded reach.
    await t.admin.setClock({ mode: 'fixed', at: new Date(bangkokMidnight('2021-04-29')) });
    const { items } = await readAllPages(
      `${t.sim.rootUrls.facebook}/${fb.accountId}/published_posts?fields=id,created_time,insights.metric(${METRIC})&limit=100&access_token=${fb.token}`,
    );
    const byId = new Map(items.map((i) => [String(i.id), i]));
    for (const p of april) {
      const item = byId.get(fbIdOf.get(p.seedId) ?? '');
      expect(item, p.seedId).toBeDefined();
      const v = metricValue((item?.insights as { data: unknown } | undefined)?.data, METRIC);
      expect(v, p.seedId).toBe(p.reach);
    }
  });
});
