import { loadFy2564 } from '@reachline/shared/data';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { INFOGRAPHIC_MARKER, MAX_BATCH } from '../src/index';
import {
  getJson,
  graphErrorOf,
  insightItem,
  metricValue,
  parseBuc,
  postBatch,
  readAllPages,
  start,
  type BatchItem,
  type GraphBody,
  type TestSim,
} from './helpers';

describe('Facebook Business Use Case usage', () => {
  let t: TestSim;
  let base: string;
  let pageId: string;
  let token: string;
  let ids: string[];
  beforeAll(async () => {
    t = await start({
      limits: { facebook: { callQuota: 100, headerThresholdPercent: 5, windowMs: 3_600_000 } },
    });
    base = t.sim.baseUrls.facebook;
    ({ accountId: pageId, token } = t.account('facebook'));
    ids = t.sim.dataset.posts.filter((p) => p.platform === 'facebook').map((p) => p.id);
    await t.admin.setClock({
      mode: 'fixed',
      at: new Date(t.sim.dataset.lastPublishedAt + 60 * 86_400_000),
    });
  });
  afterAll(() => t.sim.close());
  beforeEach(() => t.admin.resetLimits());

  const one = () =>
    getJson(`${base}/${ids[0]}/insights?metric=post_media_view&access_token=${token}`);

  it('has no header at low usage, then a rising X-Business-Use-Case-Usage keyed by page id', async () => {
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await one();
      expect(r.status).toBe(200);
      expect(r.headers.get('x-business-use-case-usage')).toBeNull();
    }
    for (let i = 0; i < 20; i++) {
      const r = await one();
      const u = parseBuc(r.headers.get('x-business-use-case-usage'), pageId);
      expect(u).toBeDefined();
      expect(u?.type).toBe('pages');
      expect(u?.estimated_time_to_regain_access).toBe(0);
      seen.push(u?.call_count ?? -1);
    }
    expect(seen[0]).toBe(5);
    expect(seen.at(-1)).toBe(24);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const last = parseBuc((await one()).headers.get('x-business-use-case-usage'), pageId);
    expect(last?.total_cputime).toBeGreaterThan(0);
    expect(last?.total_time).toBeGreaterThan(0);
  });

  it('counts each batch item as a call, reports usage inside each item, and answers 80001 at the quota', async () => {
    const r = await postBatch(
      base,
      token,
      ids.slice(0, MAX_BATCH).map((id) => insightItem(id)),
    );
    expect(r.status).toBe(200);
    const items = r.body as BatchItem[];
    const usage = items.map((it) =>
      parseBuc(
        it.headers?.find((h) => h.name.toLowerCase() === 'x-business-use-case-usage')?.value,
        pageId,
      ),
    );
    expect(usage[3]).toBeUndefined();
    expect(usage[4]?.call_count).toBe(5);
    expect(usage[49]?.call_count).toBe(50);
    expect(parseBuc(r.headers.get('x-business-use-case-usage'), pageId)?.call_count).toBe(50);

    const r2 = await postBatch(
      base,
      token,
      ids.slice(0, MAX_BATCH).map((id) => insightItem(id)),
    );
    const items2 = r2.body as BatchItem[];
    expect(items2.every((it) => it.code === 200)).toBe(true);

    const over = await one();
    expect(over.status).toBe(400);
    const e = graphErrorOf(over.body);
    expect(e.code).toBe(80001);
    expect(e.message).toContain('(#80001)');
    const u = parseBuc(over.headers.get('x-business-use-case-usage'), pageId);
    expect(u?.call_count).toBeGreaterThanOrEqual(100);
    expect(u?.estimated_time_to_regain_access).toBeGreaterThan(0);

    const r3 = await postBatch(base, token, [insightItem(ids[0] ?? '')]);
    const item = (r3.body as BatchItem[])[0];
    expect(item?.code).toBe(400);
    expect(graphErrorOf(JSON.parse(item?.body ?? '{}') as GraphBody).code).toBe(80001);
  });

  it('refuses 51 items with GraphBatchException and counts none of them toward usage', async () => {
    const r = await postBatch(
      base,
      token,
      ids.slice(0, MAX_BATCH + 1).map((id) => insightItem(id)),
    );
    expect(r.status).toBe(400);
    const e = graphErrorOf(r.body);
    expect(e.type).toBe('GraphBatchException');
    expect(e.message).toBe('Too many requests in batch message. Maximum batch size is 50');
    expect(r.headers.get('x-business-use-case-usage')).toBeNull();
    // Quota 100, header from 5 %: had the 51 items been charged, the next call would be the 52nd
    // (52 %). Uncharged, calls 1-4 carry no header and the 5th reports exactly 5 %.
    for (let i = 1; i <= 4; i++) {
      const u = await one();
      expect(u.status).toBe(200);
      expect(u.headers.get('x-business-use-case-usage'), `call ${i}`).toBeNull();
    }
    const fifth = parseBuc((await one()).headers.get('x-business-use-case-usage'), pageId);
    expect(fifth?.call_count).toBe(5);
  });

  it('logs one request per HTTP call, and the batch item count', async () => {
    await t.admin.clearRequests();
    await postBatch(
      base,
      token,
      ids.slice(0, 7).map((id) => insightItem(id)),
    );
    await one();
    const log = await t.admin.requests({ platform: 'facebook' });
    expect(log.entries).toHaveLength(2);
    expect(log.entries.map((e) => [e.method, e.path, e.items])).toEqual([
      ['POST', '/v25.0/', 7],
      ['GET', `/v25.0/${ids[0]}/insights`, undefined],
    ]);
    expect(log.counts.facebook).toBe(2);
  });

  it('hides tokens in the request log', async () => {
    await t.admin.clearRequests();
    await one(); // access_token in the query string
    await getJson(`${base}/${ids[0]}/insights?metric=post_media_view`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await postBatch(base, token, [insightItem(ids[0] ?? '')]); // token in the form body
    const log = await t.admin.requests({ platform: 'facebook' });
    expect(log.entries).toHaveLength(3);
    const [inQuery, inHeader, inBody] = log.entries;
    const query = new URLSearchParams(inQuery?.query);
    expect(query.get('access_token')).toBe('***');
    expect(query.get('metric')).toBe('post_media_view');
    expect(inHeader?.query).toBe('metric=post_media_view');
    expect(inBody?.query).toBe('');
    // Nowhere in the log, whatever field: not the Page token, nor any other issued token.
    const text = JSON.stringify(log);
    for (const a of t.sim.accounts) expect(text).not.toContain(a.token);
  });
});

describe('FY2564 seed round-trip', () => {
  let t: TestSim;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t.sim.close());

  it('gives back the seed reach of all 74 posts at the end of their curves', async () => {
    const seed = loadFy2564().posts;
    expect(seed).toHaveLength(74);
    const fb = t.account('facebook');
    const base = t.sim.baseUrls.facebook;
    const catalog = await t.admin.posts({ platform: 'facebook', infographic: true });
    const bySeed = new Map(seed.map((p) => [p.seedId, p.reach]));
    const seedReachOf = new Map(catalog.posts.map((c) => [c.id, bySeed.get(c.seedId ?? '')]));

    // At the default start (two weeks after the first post), mid-curve: some posts are not out
    // yet, none of those out is above its seed reach, and the youngest are still below it.
    const { items: early } = await readAllPages(
      `${base}/${fb.accountId}/published_posts?fields=id,message,insights.metric(post_total_media_view_unique)&limit=100&access_token=${fb.token}`,
    );
    const earlyInfographics = early.filter((p) => String(p.message).includes(INFOGRAPHIC_MARKER));
    expect(earlyInfographics.length).toBeGreaterThan(0);
    expect(earlyInfographics.length).toBeLessThan(74);
    let below = 0;
    for (const p of earlyInfographics) {
      const v = metricValue((p.insights as { data: unknown }).data, 'post_total_media_view_unique');
      const final = seedReachOf.get(String(p.id));
      expect(final, String(p.id)).toBeDefined();
      expect(v, String(p.id)).toBeLessThanOrEqual(final ?? -1);
      if ((v ?? -1) < (final ?? -1)) below++;
    }
    expect(below, 'infographics still below their seed reach').toBeGreaterThan(0);

    const end = t.sim.dataset.lastPublishedAt + 60 * 86_400_000;
    await t.admin.setClock({ mode: 'fixed', at: new Date(end) });
    const { items } = await readAllPages(
      `${base}/${fb.accountId}/published_posts?fields=id,message&limit=100&access_token=${fb.token}`,
    );
    const infographics = items
      .filter((p) => String(p.message).includes(INFOGRAPHIC_MARKER))
      .map((p) => String(p.id));
    expect(infographics).toHaveLength(74);

    const reach = new Map<string, number>();
    for (let i = 0; i < infographics.length; i += MAX_BATCH) {
      const chunk = infographics.slice(i, i + MAX_BATCH);
      const r = await postBatch(
        base,
        fb.token,
        chunk.map((id) => insightItem(id, 'post_total_media_view_unique')),
      );
      expect(r.status).toBe(200);
      (r.body as BatchItem[]).forEach((it, k) => {
        expect(it.code).toBe(200);
        const v = metricValue(
          (JSON.parse(it.body) as GraphBody).data,
          'post_total_media_view_unique',
        );
        reach.set(chunk[k] ?? '', v ?? -1);
      });
    }
    // As a multiset, and post by post through the catalog's seed ids.
    expect([...reach.values()].sort((a, b) => a - b)).toEqual(
      seed.map((p) => p.reach).sort((a, b) => a - b),
    );
    expect(catalog.posts).toHaveLength(74);
    for (const c of catalog.posts) expect(reach.get(c.id)).toBe(bySeed.get(c.seedId ?? ''));
  });
});
