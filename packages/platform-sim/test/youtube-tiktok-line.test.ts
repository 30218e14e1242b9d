import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getJson, start, type TestSim } from './helpers';

interface GoogleError {
  error: {
    code: number;
    message: string;
    errors: { message: string; domain: string; reason: string }[];
  };
}
interface YtList {
  kind: string;
  etag: string;
  items: { kind: string; id: string; statistics: Record<string, string> }[];
  pageInfo: { totalResults: number; resultsPerPage: number };
}
interface TikTok {
  data: { videos?: Record<string, unknown>[] };
  error: { code: string; message: string; log_id: string };
}
interface LineEvent {
  overview?: {
    requestId: string;
    timestamp: number;
    delivered: number | null;
    uniqueImpression: number | null;
  };
  messages?: { seq: number; impression: number | null }[];
  clicks?: unknown[];
  message?: string;
  details?: unknown[];
}

let t: TestSim;
const end = () => new Date(t.sim.dataset.lastPublishedAt + 60 * 86_400_000);
const idsOf = (p: string) => t.sim.dataset.posts.filter((x) => x.platform === p).map((x) => x.id);

beforeAll(async () => {
  t = await start({
    dataset: 'generated',
    posts: 400,
    seed: 7,
    limits: {
      youtube: { dailyUnits: 5 },
      tiktok: { limit: 4, windowMs: 60_000 },
      line: { limit: 6, windowMs: 3_600_000 },
    },
  });
});
afterAll(() => t.sim.close());
beforeEach(async () => {
  await t.admin.reset();
  await t.admin.setClock({ mode: 'fixed', at: end() });
});

describe('YouTube Data API v3 videos.list', () => {
  const list = (q: string) =>
    getJson<YtList & GoogleError>(`${t.sim.baseUrls.youtube}/videos?${q}`);

  it('answers statistics as strings, unknown ids omitted, 1 unit per call', async () => {
    const key = t.account('youtube').token;
    const ids = idsOf('youtube');
    const r = await list(`part=statistics&id=${ids.slice(0, 3).join(',')},doesnotexist&key=${key}`);
    expect(r.status).toBe(200);
    expect(r.body.kind).toBe('youtube#videoListResponse');
    expect(r.body.items.map((i) => i.id)).toEqual(ids.slice(0, 3));
    const s = r.body.items[0]?.statistics ?? {};
    for (const k of ['viewCount', 'likeCount', 'favoriteCount', 'commentCount'])
      expect(typeof s[k]).toBe('string');
    expect(s.viewCount).toBe(String(t.sim.dataset.byId.get(ids[0] ?? '')?.finalReach));
    expect(r.body.pageInfo).toEqual({ totalResults: 3, resultsPerPage: 3 });
  });

  it('refuses more than 50 ids and a missing part; answers 403 quotaExceeded once the units are spent', async () => {
    const key = t.account('youtube').token;
    const many = Array.from({ length: 51 }, (_, i) => `v${i}`).join(',');
    const over = await list(`part=statistics&id=${many}&key=${key}`);
    expect(over.status).toBe(400);
    expect(over.body.error.code).toBe(400);
    const nopart = await list(`id=x&key=${key}`);
    expect(nopart.status).toBe(400);
    expect(nopart.body.error.errors[0]?.reason).toBe('required');
    // 2 units spent (invalid requests cost too); 3 left.
    for (let i = 0; i < 3; i++)
      expect((await list(`part=statistics&id=x&key=${key}`)).status).toBe(200);
    const q = await list(`part=statistics&id=x&key=${key}`);
    expect(q.status).toBe(403);
    expect(q.body.error.errors[0]).toMatchObject({
      domain: 'youtube.quota',
      reason: 'quotaExceeded',
    });
  });

  it('answers 400 for a bad key and 403 without credentials', async () => {
    const bad = await list('part=statistics&id=x&key=AIzaWRONG');
    expect(bad.status).toBe(400);
    expect(bad.body.error.errors[0]?.reason).toBe('badRequest');
    expect((await list('part=statistics&id=x')).status).toBe(403);
  });
});

describe('TikTok Display API video query', () => {
  const query = (
    ids: unknown[],
    token = t.account('tiktok').token,
    fields = 'id,title,view_count,create_time',
  ) =>
    getJson<TikTok>(`${t.sim.baseUrls.tiktok}/v2/video/query/?fields=${fields}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filters: { video_ids: ids } }),
    });

  it('answers the {data, error:{code:"ok"}} envelope with only the asked fields', async () => {
    const ids = idsOf('tiktok').slice(0, 3);
    const r = await query(ids);
    expect(r.status).toBe(200);
    expect(r.body.error.code).toBe('ok');
    expect(r.body.error.message).toBe('');
    expect(r.body.error.log_id).toMatch(/^\d{14}[0-9A-F]+$/);
    expect(r.body.data.videos).toHaveLength(3);
    expect(Object.keys(r.body.data.videos?.[0] ?? {}).sort()).toEqual([
      'create_time',
      'id',
      'title',
      'view_count',
    ]);
    expect(r.body.data.videos?.[0]?.view_count).toBe(
      t.sim.dataset.byId.get(ids[0] ?? '')?.finalReach,
    );
  });

  it('refuses more than 20 ids, answers 401 access_token_invalid and 429 rate_limit_exceeded', async () => {
    const over = await query(Array.from({ length: 21 }, (_, i) => String(i)));
    expect(over.status).toBe(400);
    expect(over.body.error.code).toBe('invalid_params');
    const bad = await query(['1'], 'act.wrong');
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('access_token_invalid');
    // 1 call spent above; 3 more fit in the window of 4.
    for (let i = 0; i < 3; i++) expect((await query(['1'])).status).toBe(200);
    const limited = await query(['1']);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limit_exceeded');
  });
});

describe('LINE insight message event', () => {
  const event = (requestId: string, token = t.account('line').token) =>
    getJson<LineEvent>(
      `${t.sim.baseUrls.line}/v2/bot/insight/message/event?requestId=${requestId}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );

  it('answers overview.uniqueImpression, null under 20, growing with the clock', async () => {
    const posts = t.sim.dataset.posts.filter((p) => p.platform === 'line');
    const big = posts.find((p) => p.finalReach >= 20);
    const small = posts.find((p) => p.finalReach < 20);
    if (!big || !small) throw new Error('data set lacks a large and a small LINE send');
    const r = await event(big.id);
    expect(r.status).toBe(200);
    expect(r.body.overview).toMatchObject({
      requestId: big.id,
      uniqueImpression: big.finalReach,
      delivered: big.delivered,
    });
    expect(r.body.messages?.[0]?.seq).toBe(1);
    expect((await event(small.id)).body.overview?.uniqueImpression).toBeNull();
    await t.admin.setClock({ mode: 'fixed', at: new Date(big.publishedAt + 86_400_000) });
    const early = (await event(big.id)).body.overview?.uniqueImpression;
    expect(early).toBeTypeOf('number');
    expect(early).toBeGreaterThanOrEqual(20);
    expect(early).toBeLessThan(big.finalReach);
  });

  it('stops changing 14 days after the send (not 28 as elsewhere)', async () => {
    const posts = t.sim.dataset.posts.filter((p) => p.platform === 'line');
    const big = posts.reduce((a, b) => (b.finalReach > a.finalReach ? b : a));
    const at = async (days: number) => {
      await t.admin.setClock({ mode: 'fixed', at: new Date(big.publishedAt + days * 86_400_000) });
      return (await event(big.id)).body.overview?.uniqueImpression;
    };
    const day7 = await at(7);
    expect(day7).toBeTypeOf('number');
    expect(day7).toBeLessThan(big.finalReach);
    expect(await at(14)).toBe(big.finalReach);
    expect(await at(21)).toBe(big.finalReach);
    expect(await at(90)).toBe(big.finalReach);
  });

  it('answers 401 for a wrong token and 429 after the hourly limit', async () => {
    expect((await event('x', 'wrong')).status).toBe(401);
    const id = idsOf('line')[0] ?? '';
    for (let i = 0; i < 6; i++) expect((await event(id)).status).toBe(200);
    const r = await event(id);
    expect(r.status).toBe(429);
    expect(typeof r.body.message).toBe('string');
    expect(r.headers.get('x-rate-limit-remaining')).toBeNull();
  });
});
