/**
 * The simulator's DEFAULT quotas and windows, started without any `limits` override, against the
 * figures in shared/research/platform-apis.md. Every limit is spent to the last allowed call, the
 * next one is refused with the platform's throttling answer, and the injected wall clock is moved
 * to just before and just after the window (or day) ends.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getJson, insightItem, parseBuc, postBatch, start, type TestSim } from './helpers';

const MIN = 60_000;
const HOUR = 60 * MIN;
// 23:30 Pacific Standard Time on 2026-01-14; midnight Pacific is 08:00 UTC.
const T0 = Date.parse('2026-01-15T07:30:00Z');
let wallNow = T0;
let t: TestSim;
const first = (p: string) => t.sim.dataset.posts.find((x) => x.platform === p)?.id ?? '';

/** `n` calls, 100 at a time; the statuses in order. */
async function spend(n: number, call: () => Promise<Response>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += 100) {
    const rs = await Promise.all(Array.from({ length: Math.min(100, n - i) }, call));
    for (const r of rs) {
      out.push(r.status);
      await r.arrayBuffer();
    }
  }
  return out;
}
const not200 = (statuses: number[]) => statuses.filter((s) => s !== 200);

beforeAll(async () => {
  t = await start({}, { wall: () => wallNow });
  await t.admin.setClock({
    mode: 'fixed',
    at: new Date(t.sim.dataset.lastPublishedAt + 60 * 86_400_000),
  });
});
afterAll(() => t.sim.close());
beforeEach(async () => {
  wallNow = T0;
  await t.admin.resetLimits();
});

describe('default limits (research figures, no overrides)', () => {
  it('Facebook Page token: 4,800 calls per page per hour (Pages BUC, one engaged user), then 80001', async () => {
    const { accountId: pageId, token } = t.account('facebook');
    const base = t.sim.baseUrls.facebook;
    const one = () =>
      getJson(`${base}/${first('facebook')}/insights?metric=post_media_view&access_token=${token}`);
    for (let b = 0; b < 4800 / 50; b++) {
      const r = await postBatch(
        base,
        token,
        Array.from({ length: 50 }, () => insightItem(first('facebook'), 'post_media_view')),
      );
      expect(r.status).toBe(200);
      expect(
        r.body.filter((x) => x?.code !== 200),
        `batch ${b}`,
      ).toEqual([]);
    }
    const over = await one();
    expect(over.status).toBe(400);
    expect(over.body.error?.code).toBe(80001);
    expect(parseBuc(over.headers.get('x-business-use-case-usage'), pageId)?.type).toBe('pages');
    wallNow = T0 + 59 * MIN;
    expect((await one()).body.error?.code).toBe(80001);
    wallNow = T0 + 61 * MIN;
    expect((await one()).status).toBe(200);
  });

  it('Instagram: 4,800 calls per account per 24 hours (Instagram BUC), then 80002', async () => {
    const { token } = t.account('instagram');
    const url = `${t.sim.baseUrls.instagram}/${first('instagram')}/insights?metric=reach&access_token=${token}`;
    expect(not200(await spend(4800, () => fetch(url)))).toEqual([]);
    const over = await getJson(url);
    expect(over.status).toBe(400);
    expect(over.body.error?.code).toBe(80002);
    wallNow = T0 + 23 * HOUR;
    expect((await getJson(url)).body.error?.code).toBe(80002);
    wallNow = T0 + 25 * HOUR;
    expect((await getJson(url)).status).toBe(200);
  });

  it('X user token: GET /2/tweets 5,000 per 15 minutes (the per-user figure), timeline 900', async () => {
    // Research §3: 3,500/15 min per app (app-only Bearer), 5,000/15 min per user (user context).
    // The simulator issues a user-context token: it is the one that sees non_public_metrics.
    const { token } = t.account('x');
    const rec = (await t.admin.tokens()).find((r) => r.token === token);
    expect(rec?.kind).toBe('user');
    const auth = { headers: { authorization: `Bearer ${token}` } };
    const url = `${t.sim.baseUrls.x}/2/tweets?ids=${first('x')}`;
    const firstCall = await fetch(url, auth);
    expect(firstCall.headers.get('x-rate-limit-limit')).toBe('5000');
    expect(firstCall.headers.get('x-rate-limit-remaining')).toBe('4999');
    expect(firstCall.headers.get('x-rate-limit-reset')).toBe(String((T0 + 15 * MIN) / 1000));
    expect(not200(await spend(4999, () => fetch(url, auth)))).toEqual([]);
    const over = await fetch(url, auth);
    expect(over.status).toBe(429);
    expect(over.headers.get('x-rate-limit-remaining')).toBe('0');
    wallNow = T0 + 15 * MIN - 1000;
    expect((await fetch(url, auth)).status).toBe(429);
    wallNow = T0 + 15 * MIN;
    expect((await fetch(url, auth)).status).toBe(200);

    const timeline = await fetch(
      `${t.sim.baseUrls.x}/2/users/${t.account('x').accountId}/tweets`,
      auth,
    );
    expect(timeline.headers.get('x-rate-limit-limit')).toBe('900');
  });

  it('YouTube: 10,000 units a day at 1 unit per videos.list call, reset at midnight Pacific', async () => {
    const key = t.account('youtube').token;
    const url = `${t.sim.baseUrls.youtube}/videos?part=statistics&id=${first('youtube')}&key=${key}`;
    expect(not200(await spend(10_000, () => fetch(url)))).toEqual([]);
    const over = await getJson<{ error: { errors: { reason: string }[] } }>(url);
    expect(over.status).toBe(403);
    expect(over.body.error.errors[0]?.reason).toBe('quotaExceeded');
    wallNow = Date.parse('2026-01-15T07:59:59Z'); // 23:59:59 PST
    expect((await fetch(url)).status).toBe(403);
    wallNow = Date.parse('2026-01-15T08:00:00Z'); // 00:00:00 PST
    expect((await fetch(url)).status).toBe(200);
  });

  it('TikTok: /v2/video/query/ 600 per sliding minute, then 429 rate_limit_exceeded', async () => {
    const call = () =>
      fetch(`${t.sim.baseUrls.tiktok}/v2/video/query/?fields=id,view_count`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${t.account('tiktok').token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ filters: { video_ids: [first('tiktok')] } }),
      });
    expect(not200(await spend(600, call))).toEqual([]);
    const over = await call();
    expect(over.status).toBe(429);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe(
      'rate_limit_exceeded',
    );
    wallNow = T0 + 50_000;
    expect((await call()).status).toBe(429);
    wallNow = T0 + 61_000;
    expect((await call()).status).toBe(200);
  });

  it('LINE: insight/message/event 60 requests per hour per channel, then 429', async () => {
    const call = () =>
      fetch(`${t.sim.baseUrls.line}/v2/bot/insight/message/event?requestId=${first('line')}`, {
        headers: { authorization: `Bearer ${t.account('line').token}` },
      });
    expect(not200(await spend(60, call))).toEqual([]);
    expect((await call()).status).toBe(429);
    wallNow = T0 + 59 * MIN;
    expect((await call()).status).toBe(429);
    wallNow = T0 + 61 * MIN;
    expect((await call()).status).toBe(200);
  });
});
