/**
 * Live mode (for the demo): new posts keep being published as the simulated clock moves, on the
 * platforms asked for, `postsPerDay` a day each, some infographics and some ordinary posts; they
 * show up in the accounts' lists and their reach climbs along the curve. The same seed gives the
 * same posts however the clock is moved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INFOGRAPHIC_MARKER, startSimulator } from '../src/index';
import { getJson, metricValue, readAllPages, start, type TestSim } from './helpers';

const DAY = 86_400_000;
const T0 = Date.parse('2021-09-15T00:00:00Z');
const LIVE = { postsPerDay: 4, platforms: ['facebook', 'instagram', 'line'] as const };

/** Facebook posts (id, created_time, message) published after T0, read over HTTP. */
async function newFacebookPosts(t: TestSim): Promise<Record<string, unknown>[]> {
  const fb = t.account('facebook');
  const { items } = await readAllPages(
    `${t.sim.rootUrls.facebook}/${fb.accountId}/published_posts?fields=id,created_time,message&limit=100&access_token=${fb.token}`,
  );
  return items.filter((i) => Date.parse(String(i.created_time).replace('+0000', 'Z')) > T0);
}

describe('live mode', () => {
  let t: TestSim;
  beforeAll(async () => {
    t = await start({
      clock: { mode: 'fixed', at: new Date(T0) },
      live: { ...LIVE, platforms: [...LIVE.platforms] },
    });
  });
  afterAll(() => t.sim.close());

  it('publishes nothing new until the clock moves', async () => {
    expect(await newFacebookPosts(t)).toEqual([]);
    expect((await t.admin.posts({ origin: 'live' })).total).toBe(0);
  });

  it('publishes postsPerDay a day on each live platform as the clock advances', async () => {
    await t.admin.advanceClock({ days: 1 });
    expect(await newFacebookPosts(t)).toHaveLength(4);
    await t.admin.advanceClock({ days: 2 });
    const fb = await newFacebookPosts(t);
    expect(fb).toHaveLength(12);
    const times = fb.map((p) => Date.parse(String(p.created_time).replace('+0000', 'Z')));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Math.max(...times)).toBeLessThanOrEqual(T0 + 3 * DAY);

    const ig = t.account('instagram');
    const media = await readAllPages(
      `${t.sim.rootUrls.instagram}/${ig.accountId}/media?fields=id,timestamp&limit=100&access_token=${ig.token}`,
    );
    const newMedia = media.items.filter(
      (m) => Date.parse(String(m.timestamp).replace('+0000', 'Z')) > T0,
    );
    expect(newMedia).toHaveLength(12);

    // X is not live: nothing after T0 on its timeline.
    const x = t.account('x');
    const tl = await getJson<{ data?: { created_at: string }[] }>(
      `${t.sim.rootUrls.x}/2/users/${x.accountId}/tweets?max_results=100&tweet.fields=created_at`,
      { headers: { authorization: `Bearer ${x.token}` } },
    );
    expect(tl.status).toBe(200);
    for (const tw of tl.body.data ?? []) expect(Date.parse(tw.created_at)).toBeLessThanOrEqual(T0);
  });

  it('mixes infographics (with the hashtag) and ordinary posts', async () => {
    await t.admin.advanceClock({ days: 7 });
    const fb = await newFacebookPosts(t);
    expect(fb).toHaveLength(40);
    const info = fb.filter((p) => String(p.message).includes(INFOGRAPHIC_MARKER));
    expect(info.length).toBeGreaterThan(0);
    expect(info.length).toBeLessThan(fb.length);
    for (const p of fb) expect(String(p.message)).toContain('#กรุงเทพมหานคร');
  });

  it('grows the new posts’ reach along the curve to their final figure', async () => {
    const fb = t.account('facebook');
    const post = (await t.admin.posts({ platform: 'facebook', origin: 'live' })).posts[0];
    if (!post) throw new Error('no live post');
    const published = Date.parse(post.publishedAt);
    const reachAt = async (ms: number) => {
      await t.admin.setClock({ mode: 'fixed', at: new Date(ms) });
      const r = await getJson(
        `${t.sim.rootUrls.facebook}/${post.id}/insights?metric=post_total_media_view_unique&access_token=${fb.token}`,
      );
      return metricValue(r.body.data, 'post_total_media_view_unique') ?? -1;
    };
    const values = [];
    for (const d of [0.01, 1, 3, 10, 30]) values.push(await reachAt(published + d * DAY));
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values[0]).toBeLessThan(values[2] ?? 0);
    expect(values[3]).toBeLessThan(post.finalReach);
    expect(values[4]).toBe(post.finalReach);
    await t.admin.setClock({ mode: 'fixed', at: new Date(T0 + 10 * DAY) });
  });

  it('gives new LINE sends a unit in this month’s list', async () => {
    const r = await getJson<{ customAggregationUnits: string[] }>(
      `${t.sim.rootUrls.line}/v2/bot/message/aggregation/list`,
      { headers: { authorization: `Bearer ${t.account('line').token}` } },
    );
    // The catalog also holds those published while an earlier test ran the clock further on.
    const live = (await t.admin.posts({ platform: 'line', origin: 'live' })).posts.filter(
      (p) => Date.parse(p.publishedAt) <= T0 + 10 * DAY,
    );
    expect(live.length).toBe(40);
    expect(r.body.customAggregationUnits).toHaveLength(40);
    for (const p of live) expect(r.body.customAggregationUnits).toContain(p.unit);
  });

  it('hides posts again when the clock goes back before them', async () => {
    await t.admin.setClock({ mode: 'fixed', at: new Date(T0 + DAY) });
    expect(await newFacebookPosts(t)).toHaveLength(4);
  });
});

describe('live mode is deterministic from the seed', () => {
  it('publishes the same posts whether the clock moves in one step or in many', async () => {
    const a = await start({ clock: { mode: 'fixed', at: new Date(T0) }, live: { postsPerDay: 3 } });
    const b = await start({ clock: { mode: 'fixed', at: new Date(T0) }, live: { postsPerDay: 3 } });
    const c = await start({
      clock: { mode: 'fixed', at: new Date(T0) },
      seed: 7,
      live: { postsPerDay: 3 },
    });
    try {
      await a.admin.advanceClock({ days: 5 });
      for (let i = 0; i < 20; i++) await b.admin.advanceClock({ days: 0.25 });
      await c.admin.advanceClock({ days: 5 });
      const pa = await newFacebookPosts(a);
      const pb = await newFacebookPosts(b);
      const pc = await newFacebookPosts(c);
      expect(pa).toHaveLength(15);
      expect(pb).toEqual(pa);
      expect(pc).toHaveLength(15);
      expect(pc.map((p) => p.created_time)).not.toEqual(pa.map((p) => p.created_time));
      // Every platform publishes when none is named.
      for (const platform of ['youtube', 'tiktok', 'x'] as const) {
        expect((await a.admin.posts({ platform, origin: 'live' })).total, platform).toBe(15);
      }
    } finally {
      await Promise.all([a.sim.close(), b.sim.close(), c.sim.close()]);
    }
  });

  it('publishes on an accelerated clock without anyone moving it', async () => {
    const t = await start({
      clock: { mode: 'accelerated', daySeconds: 0.2, start: new Date(T0) },
      live: { postsPerDay: 2, platforms: ['facebook'] },
    });
    try {
      await new Promise((r) => setTimeout(r, 700));
      expect((await newFacebookPosts(t)).length).toBeGreaterThanOrEqual(2);
    } finally {
      await t.sim.close();
    }
  });

  it('refuses a postsPerDay of 0 or an unknown platform', async () => {
    await expect(startSimulator({ live: { postsPerDay: 0 } })).rejects.toThrow(/postsPerDay/);
    await expect(
      startSimulator({ live: { postsPerDay: 1, platforms: ['myspace' as 'x'] } }),
    ).rejects.toThrow(/platforms/);
  });
});
