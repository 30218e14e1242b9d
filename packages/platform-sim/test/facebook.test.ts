import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { INFOGRAPHIC_MARKER } from '../src/index';
import {
  getJson,
  graphErrorOf,
  insightItem,
  metricValue,
  postBatch,
  readAllPages,
  start,
  type BatchItem,
  type GraphBody,
  type InsightsResult,
  type TestSim,
} from './helpers';

let t: TestSim;
let base: string;
let pageId: string;
let token: string;
let postIds: string[];

beforeAll(async () => {
  t = await start({ emptyPageEvery: 3 });
  base = t.sim.baseUrls.facebook;
  ({ accountId: pageId, token } = t.account('facebook'));
  await t.admin.setClock({
    mode: 'fixed',
    at: new Date(t.sim.dataset.lastPublishedAt + 60 * 86_400_000),
  });
  postIds = t.sim.dataset.posts.filter((p) => p.platform === 'facebook').map((p) => p.id);
});
afterAll(() => t.sim.close());
beforeEach(async () => {
  await t.admin.reset();
  await t.admin.setClock({
    mode: 'fixed',
    at: new Date(t.sim.dataset.lastPublishedAt + 60 * 86_400_000),
  });
});

const listUrl = (q: string) => `${base}/${pageId}/published_posts?access_token=${token}&${q}`;

describe('Facebook published_posts', () => {
  it('answers data and paging with cursors and an absolute next link', async () => {
    const r = await getJson(listUrl('fields=id,created_time,message,permalink_url&limit=10'));
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(10);
    const first = r.body.data?.[0] ?? {};
    expect(Object.keys(first).sort()).toEqual(['created_time', 'id', 'message', 'permalink_url']);
    expect(first.id).toMatch(new RegExp(`^${pageId}_\\d+$`));
    expect(first.created_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
    expect(typeof r.body.paging?.cursors?.after).toBe('string');
    expect(typeof r.body.paging?.cursors?.before).toBe('string');
    expect(r.body.paging?.next).toMatch(new RegExp(`^${base}/${pageId}/published_posts\\?`));
    expect(new URL(r.body.paging?.next ?? '').searchParams.get('after')).toBe(
      r.body.paging?.cursors?.after,
    );
  });

  it('pages through every post once, newest first, with at least one empty page that still has next', async () => {
    const { items, pages } = await readAllPages(listUrl('fields=id,created_time,message&limit=25'));
    const ids = items.map((i) => String(i.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...postIds].sort());
    const empties = pages.filter(
      (p) => (p.data ?? []).length === 0 && p.paging?.next !== undefined,
    );
    expect(empties.length).toBeGreaterThan(0);
    expect(pages.at(-1)?.paging?.next).toBeUndefined();
    // Newest first across every page, the empty ones included: each created_time is no later
    // than the one before it, and the first and last items are the data set's newest and oldest.
    const times = items.map((i) => Date.parse(String(i.created_time).replace('+0000', 'Z')));
    for (let k = 1; k < times.length; k++) {
      expect(times[k], `item ${k} (${ids[k]})`).toBeLessThanOrEqual(times[k - 1] ?? Number.NaN);
    }
    const fb = t.sim.dataset.posts.filter((p) => p.platform === 'facebook');
    const newest = Math.max(...fb.map((p) => p.publishedAt));
    const oldest = Math.min(...fb.map((p) => p.publishedAt));
    expect(times[0]).toBe(Math.floor(newest / 1000) * 1000);
    expect(times.at(-1)).toBe(Math.floor(oldest / 1000) * 1000);
  });

  it('returns newest first and hides posts not yet published', async () => {
    const mid = t.sim.dataset.firstPublishedAt + 100 * 86_400_000;
    await t.admin.setClock({ mode: 'fixed', at: new Date(mid) });
    const { items } = await readAllPages(listUrl('fields=id,created_time&limit=100'));
    const expected = t.sim.dataset.posts.filter(
      (p) => p.platform === 'facebook' && p.publishedAt <= mid,
    );
    expect(items).toHaveLength(expected.length);
    const times = items.map((i) => Date.parse(String(i.created_time).replace('+0000', 'Z')));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('carries the infographic marker only on infographic posts', async () => {
    const { items } = await readAllPages(listUrl('fields=id,message&limit=100'));
    const marked = items.filter((i) => String(i.message).includes(INFOGRAPHIC_MARKER));
    const infographics = t.sim.dataset.posts.filter(
      (p) => p.platform === 'facebook' && p.infographic,
    );
    expect(marked.map((i) => i.id).sort()).toEqual(infographics.map((p) => p.id).sort());
    expect(items.length).toBeGreaterThan(marked.length);
  });

  it('refuses limit above 100 and unknown fields with the Graph error shape', async () => {
    const over = await getJson(listUrl('limit=101'));
    expect(over.status).toBe(400);
    expect(graphErrorOf(over.body).code).toBe(100);
    const ok = await getJson(listUrl('limit=100'));
    expect(ok.status).toBe(200);
    const field = await getJson(listUrl('fields=id,nonsense'));
    expect(field.status).toBe(400);
    expect(graphErrorOf(field.body).message).toContain('nonexisting field (nonsense)');
  });

  it('embeds insights through field expansion', async () => {
    const r = await getJson(
      listUrl('fields=id,insights.metric(post_total_media_view_unique)&limit=5'),
    );
    expect(r.status).toBe(200);
    const row = r.body.data?.[0] as { id: string; insights: { data: InsightsResult[] } };
    const post = t.sim.dataset.byId.get(row.id);
    expect(metricValue(row.insights.data, 'post_total_media_view_unique')).toBe(post?.finalReach);
  });
});

describe('Facebook post insights', () => {
  it('answers both metrics with period lifetime in the InsightsResult shape', async () => {
    const id = postIds[0] ?? '';
    const r = await getJson(
      `${base}/${id}/insights?metric=post_total_media_view_unique,post_media_view&access_token=${token}`,
    );
    expect(r.status).toBe(200);
    const data = r.body.data as unknown as InsightsResult[];
    expect(data.map((d) => d.name)).toEqual(['post_total_media_view_unique', 'post_media_view']);
    for (const d of data) {
      expect(d.period).toBe('lifetime');
      expect(d.id).toBe(`${id}/insights/${d.name}/lifetime`);
      expect(typeof d.title).toBe('string');
      expect(typeof d.description).toBe('string');
      expect(d.values).toHaveLength(1);
      expect(d.values[0]?.end_time).toBeUndefined();
    }
    const unique = metricValue(data, 'post_total_media_view_unique') ?? -1;
    expect(unique).toBe(t.sim.dataset.byId.get(id)?.finalReach);
    expect(metricValue(data, 'post_media_view')).toBeGreaterThanOrEqual(unique);
  });

  it('answers the single-metric path form', async () => {
    const id = postIds[1] ?? '';
    const r = await getJson(
      `${base}/${id}/insights/post_total_media_view_unique?access_token=${token}`,
    );
    expect(r.status).toBe(200);
    expect(metricValue(r.body.data, 'post_total_media_view_unique')).toBe(
      t.sim.dataset.byId.get(id)?.finalReach,
    );
  });

  // Research §1.1: impressions retired 2025-11-15, the post_impressions*_unique reach metrics by
  // 2026-06-15, on every API version.
  it.each([
    'post_impressions',
    'post_impressions_unique',
    'post_impressions_paid_unique',
    'post_impressions_fan',
    'post_impressions_organic_unique',
    'post_impressions_viral',
  ])('fails the whole call when %s is in the list', async (retired) => {
    const r = await getJson(
      `${base}/${postIds[0]}/insights?metric=post_total_media_view_unique,${retired}&access_token=${token}`,
    );
    expect(r.status).toBe(400);
    const e = graphErrorOf(r.body);
    expect(e.code).toBe(100);
    expect(e.message).toBe('(#100) The value must be a valid insights metric');
    expect(r.body.data).toBeUndefined();
  });

  it('answers 3001 when no metric is given', async () => {
    const r = await getJson(`${base}/${postIds[0]}/insights?access_token=${token}`);
    expect(r.status).toBe(400);
    const e = graphErrorOf(r.body);
    expect(e.code).toBe(3001);
    expect(e.error_subcode).toBe(1504028);
  });

  it('answers 100/33 for an unknown or deleted post', async () => {
    const r = await getJson(
      `${base}/${pageId}_999/insights?metric=post_media_view&access_token=${token}`,
    );
    expect(r.status).toBe(400);
    expect(graphErrorOf(r.body)).toMatchObject({
      code: 100,
      error_subcode: 33,
      type: 'GraphMethodException',
    });
    const id = postIds[2] ?? '';
    const before = await getJson(`${base}/${id}?access_token=${token}`);
    expect(before.status).toBe(200);
    await t.admin.deletePost(id);
    const after = await getJson(`${base}/${id}?access_token=${token}`);
    expect(graphErrorOf(after.body).error_subcode).toBe(33);
  });
});

describe('Facebook tokens and permissions', () => {
  it('answers 104 without a token and 190 for an unparseable one', async () => {
    const none = await getJson(`${base}/${pageId}/published_posts`);
    expect(none.status).toBe(400);
    expect(graphErrorOf(none.body).code).toBe(104);
    const junk = await getJson(`${base}/${pageId}/published_posts?access_token=junk`);
    expect(graphErrorOf(junk.body).code).toBe(190);
  });

  it('answers 190/463 for an expired token and 190/467 for an invalidated one', async () => {
    await t.admin.updateToken(token, { status: 'expired' });
    const exp = await getJson(listUrl('limit=1'));
    expect(exp.status).toBe(400);
    expect(graphErrorOf(exp.body)).toMatchObject({
      code: 190,
      error_subcode: 463,
      type: 'OAuthException',
    });
    expect(exp.headers.get('www-authenticate')).toContain('invalid_token');
    await t.admin.updateToken(token, { status: 'invalid' });
    const inv = await getJson(listUrl('limit=1'));
    expect(graphErrorOf(inv.body)).toMatchObject({ code: 190, error_subcode: 467 });
    await t.admin.updateToken(token, { status: 'valid' });
    expect((await getJson(listUrl('limit=1'))).status).toBe(200);
  });

  it('answers 10 without pages_read_engagement and 200 without read_insights', async () => {
    await t.admin.updateToken(token, { permissions: ['pages_show_list', 'read_insights'] });
    const list = await getJson(listUrl('limit=1'));
    expect(graphErrorOf(list.body).code).toBe(10);
    await t.admin.updateToken(token, { permissions: ['pages_show_list', 'pages_read_engagement'] });
    expect((await getJson(listUrl('limit=1'))).status).toBe(200);
    const ins = await getJson(
      `${base}/${postIds[0]}/insights?metric=post_media_view&access_token=${token}`,
    );
    expect(ins.status).toBe(400);
    expect(graphErrorOf(ins.body).code).toBe(200);
  });
});

describe('Facebook Batch API', () => {
  it('answers 50 items, each {code, headers, body-as-JSON-string}, in order', async () => {
    const ids = postIds.slice(0, 50);
    const r = await postBatch(
      base,
      token,
      ids.map((id) => insightItem(id)),
    );
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(50);
    r.body.forEach((item, i) => {
      const it = item as BatchItem;
      expect(it.code).toBe(200);
      expect(typeof it.body).toBe('string');
      expect(Array.isArray(it.headers)).toBe(true);
      const parsed = JSON.parse(it.body) as GraphBody;
      const expected = t.sim.dataset.byId.get(ids[i] ?? '')?.finalReach;
      expect(metricValue(parsed.data, 'post_total_media_view_unique')).toBe(expected);
    });
  });

  it('accepts a JSON body too and omits headers when include_headers=false', async () => {
    const r = await getJson<BatchItem[]>(`${base}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        access_token: token,
        include_headers: false,
        batch: [insightItem(postIds[0] ?? '')],
      }),
    });
    expect(r.status).toBe(200);
    expect(r.body[0]?.code).toBe(200);
    expect(r.body[0]?.headers).toBeUndefined();
  });

  // 51 items (refused, and charged nothing) is in facebook-usage.test.ts, where the quota is small
  // enough for one call to show in the usage header.

  it('puts per-item errors in the item body with the outer HTTP 200', async () => {
    const r = await postBatch(base, token, [
      insightItem(postIds[0] ?? ''),
      insightItem(postIds[1] ?? '', 'post_impressions_unique'),
    ]);
    expect(r.status).toBe(200);
    const [ok, bad] = r.body as BatchItem[];
    expect(ok?.code).toBe(200);
    expect(bad?.code).toBe(400);
    expect(graphErrorOf(JSON.parse(bad?.body ?? '{}') as GraphBody).code).toBe(100);
  });

  it('answers null items when the null switch is on, and none when off', async () => {
    await t.admin.setFaults({ batchNullRate: 1 });
    const r = await postBatch(
      base,
      token,
      postIds.slice(0, 5).map((id) => insightItem(id)),
    );
    expect(r.status).toBe(200);
    expect(r.body).toEqual([null, null, null, null, null]);
    await t.admin.setFaults({ batchNullRate: 0 });
    const r2 = await postBatch(
      base,
      token,
      postIds.slice(0, 5).map((id) => insightItem(id)),
    );
    expect((r2.body as (BatchItem | null)[]).every((x) => x !== null && x.code === 200)).toBe(true);
  });

  it('answers the 960 batch timeout per item when that switch is on', async () => {
    await t.admin.setFaults({ batchTimeoutRate: 1 });
    const r = await postBatch(base, token, [insightItem(postIds[0] ?? '')]);
    const item = r.body[0] as BatchItem;
    expect(item.code).toBe(400);
    expect(graphErrorOf(JSON.parse(item.body) as GraphBody).code).toBe(960);
  });
});
