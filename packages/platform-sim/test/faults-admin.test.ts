import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildDataset } from '../src/dataset';
import { SimAdminError, startSimulator, type Platform } from '../src/index';
import { getJson, graphErrorOf, metricValue, start, type TestSim } from './helpers';

let t: TestSim;
const END_MS = () => t.sim.dataset.lastPublishedAt + 60 * 86_400_000;

/** One cheap, valid call per platform. */
function call(p: Platform): Promise<Response> {
  const a = t.account(p);
  const first = t.sim.dataset.posts.find((x) => x.platform === p)?.id ?? '';
  const b = t.sim.baseUrls;
  const bearer = { authorization: `Bearer ${a.token}` };
  switch (p) {
    case 'facebook':
      return fetch(
        `${b.facebook}/${first}/insights?metric=post_media_view&access_token=${a.token}`,
      );
    case 'instagram':
      return fetch(`${b.instagram}/${first}/insights?metric=reach&access_token=${a.token}`);
    case 'x':
      return fetch(`${b.x}/2/tweets?ids=${first}`, { headers: bearer });
    case 'youtube':
      return fetch(`${b.youtube}/videos?part=statistics&id=${first}&key=${a.token}`);
    case 'tiktok':
      return fetch(`${b.tiktok}/v2/video/query/?fields=id,view_count`, {
        method: 'POST',
        headers: { ...bearer, 'content-type': 'application/json' },
        body: JSON.stringify({ filters: { video_ids: [first] } }),
      });
    case 'line':
      return fetch(`${b.line}/v2/bot/insight/message/event?requestId=${first}`, {
        headers: bearer,
      });
  }
}

const ALL: Platform[] = ['facebook', 'instagram', 'x', 'youtube', 'tiktok', 'line'];

/** Each platform's own answer to an expired token (shared/research/platform-apis.md). */
function expectExpiredTokenError(p: Platform, status: number, body: Record<string, unknown>): void {
  switch (p) {
    case 'facebook':
    case 'instagram': {
      // §1.4: HTTP 400, OAuthException 190 with subcode 463 "Session has expired".
      expect(status, p).toBe(400);
      const e = graphErrorOf(body);
      expect(e, p).toMatchObject({ code: 190, error_subcode: 463, type: 'OAuthException' });
      expect(e.message, p).toMatch(/^Error validating access token: Session has expired on /);
      return;
    }
    case 'x':
      // §3: 401 with the v2 problem body {title, detail, type}.
      expect(status, p).toBe(401);
      expect(body, p).toMatchObject({ title: 'Unauthorized', status: 401 });
      expect(typeof body.detail, p).toBe('string');
      expect(typeof body.type, p).toBe('string');
      return;
    case 'youtube': {
      // Google error format (§4): {error:{code, message, errors:[{message, domain, reason}]}}.
      expect(status, p).toBe(400);
      const e = body.error as { code: number; message: string; errors: Record<string, string>[] };
      expect(e.code, p).toBe(400);
      expect(e.message, p).toBe('API key expired. Please renew the API key.');
      expect(e.errors[0], p).toMatchObject({ domain: 'global', reason: 'badRequest' });
      return;
    }
    case 'tiktok': {
      // §5: 401 access_token_invalid in the {data, error:{code, message, log_id}} envelope.
      expect(status, p).toBe(401);
      const e = body.error as { code: string; message: string; log_id: string };
      expect(e.code, p).toBe('access_token_invalid');
      expect(e.message, p).not.toBe('');
      expect(typeof e.log_id, p).toBe('string');
      return;
    }
    case 'line':
      // §6: 401 with LINE's {message, details?} error shape.
      expect(status, p).toBe(401);
      expect(typeof body.message, p).toBe('string');
      expect(
        Object.keys(body).filter((k) => k !== 'details'),
        p,
      ).toEqual(['message']);
      return;
  }
}

beforeAll(async () => {
  t = await start();
});
afterAll(() => t.sim.close());
beforeEach(async () => {
  await t.admin.reset();
  await t.admin.clearFaults();
  await t.admin.setClock({ mode: 'fixed', at: new Date(END_MS()) });
});

describe('fault switches', () => {
  it.each(ALL)('%s: 5xx share on answers the platform 5xx shape, off answers 200', async (p) => {
    await t.admin.setFaults({ errorRate: 1 });
    const bad = await call(p);
    expect(bad.status).toBeGreaterThanOrEqual(500);
    const body = (await bad.json()) as Record<string, unknown>;
    if (p === 'facebook' || p === 'instagram') expect(graphErrorOf(body).is_transient).toBe(true);
    if (p === 'x') expect(body.title).toBe('Service Unavailable');
    if (p === 'youtube') expect((body.error as { code: number }).code).toBe(503);
    if (p === 'tiktok') expect((body.error as { code: string }).code).toBe('internal_error');
    if (p === 'line') expect(typeof body.message).toBe('string');
    await t.admin.setFaults({ errorRate: 0 });
    expect((await call(p)).status).toBe(200);
  });

  it('scopes request faults to the listed platforms', async () => {
    await t.admin.setFaults({ errorRate: 1, platforms: ['x'] });
    expect((await call('x')).status).toBe(503);
    expect((await call('facebook')).status).toBe(200);
  });

  it.each(ALL)(
    '%s: throttle now answers the platform throttling error, then recovers',
    async (p) => {
      await t.admin.setFaults({ throttle: [p] });
      const r = await call(p);
      const expected: Record<Platform, number> = {
        facebook: 400,
        instagram: 400,
        x: 429,
        youtube: 403,
        tiktok: 429,
        line: 429,
      };
      expect(r.status).toBe(expected[p]);
      const body = (await r.json()) as Record<string, unknown>;
      if (p === 'facebook') expect(graphErrorOf(body).code).toBe(80001);
      if (p === 'instagram') expect(graphErrorOf(body).code).toBe(80002);
      if (p === 'youtube') expect(JSON.stringify(body)).toContain('quotaExceeded');
      if (p === 'tiktok') expect(JSON.stringify(body)).toContain('rate_limit_exceeded');
      await t.admin.setFaults({ throttle: [] });
      expect((await call(p)).status).toBe(200);
    },
  );

  it('adds latency when asked', async () => {
    await t.admin.setFaults({ latencyMs: 150 });
    let t0 = performance.now();
    await call('facebook');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    await t.admin.setFaults({ latencyMs: 0 });
    t0 = performance.now();
    await call('facebook');
    expect(performance.now() - t0).toBeLessThan(140);
  });

  it('never answers a timed-out request, and logs it', async () => {
    await t.admin.setFaults({ timeoutRate: 1, timeoutMs: 5_000 });
    await expect(
      fetch(`${t.sim.baseUrls.x}/2/tweets?ids=1`, { signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    const log = await t.admin.requests({ platform: 'x' });
    expect(log.entries.at(-1)?.fault).toBe('timeout');
    await t.admin.setFaults({ timeoutRate: 0 });
    expect((await call('x')).status).toBe(200);
  });

  it('cuts JSON bodies when malformed is on', async () => {
    await t.admin.setFaults({ malformedRate: 1 });
    const text = await (await call('youtube')).text();
    expect(() => JSON.parse(text) as unknown).toThrow();
    await t.admin.setFaults({ malformedRate: 0 });
    expect(JSON.parse(await (await call('youtube')).text())).toHaveProperty('items');
  });

  it('retires a metric at run time and brings it back', async () => {
    await t.admin.setFaults({ retiredMetrics: { facebook: ['post_media_view'] } });
    const r = await call('facebook');
    expect(graphErrorOf((await r.json()) as Record<string, unknown>).message).toBe(
      '(#100) The value must be a valid insights metric',
    );
    await t.admin.setFaults({ retiredMetrics: { facebook: [] } });
    expect((await call('facebook')).status).toBe(200);
  });

  it('expires every platform token through the admin API', async () => {
    for (const p of ALL) await t.admin.updateToken(t.account(p).token, { status: 'expired' });
    for (const p of ALL) {
      const r = await call(p);
      const body = (await r.json()) as Record<string, unknown>;
      expectExpiredTokenError(p, r.status, body);
    }
    await t.admin.reset();
    await t.admin.setClock({ mode: 'fixed', at: new Date(END_MS()) });
    for (const p of ALL) expect((await call(p)).status).toBe(200);
  });
});

describe('admin API', () => {
  it('refuses requests without the admin token', async () => {
    const r = await fetch(`${t.sim.url}/_sim/state`);
    expect(r.status).toBe(401);
    const wrong = await fetch(`${t.sim.url}/_sim/state`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
  });

  it('refuses bad bodies with 400 and a clear message, changing nothing', async () => {
    const before = await t.admin.faults();
    const attempts: [string, unknown][] = [
      ['rate above 1', { errorRate: 1.5 }],
      ['unknown switch', { explode: true }],
      ['unknown platform', { throttle: ['myspace'] }],
      ['negative latency', { latencyMs: -1 }],
    ];
    for (const [, body] of attempts) {
      const err = await t.admin.setFaults(body as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SimAdminError);
      expect((err as SimAdminError).status).toBe(400);
      expect((err as SimAdminError).message.length).toBeGreaterThan(5);
    }
    expect(await t.admin.faults()).toEqual(before);
    const clockBefore = await t.admin.clock();
    const bad = await t.admin
      .setClock({ mode: 'accelerated', daySeconds: -3 })
      .catch((e: unknown) => e);
    expect((bad as SimAdminError).status).toBe(400);
    expect(await t.admin.clock()).toEqual(clockBefore);
    const notJson = await fetch(`${t.sim.url}/_sim/faults`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${t.sim.admin.token}` },
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
    expect(await t.admin.faults()).toEqual(before);
  });

  it('counts calls in the request log', async () => {
    await t.admin.clearRequests();
    for (let i = 0; i < 3; i++) await call('x');
    await call('line');
    const log = await t.admin.requests();
    expect(log.counts).toEqual({ x: 3, line: 1 });
    expect((await t.admin.requests({ platform: 'x' })).entries.map((e) => e.status)).toEqual([
      200, 200, 200,
    ]);
    const since = log.lastSeq;
    await call('x');
    expect((await t.admin.requests({ since })).entries).toHaveLength(1);
  });

  it("keeps every platform's credentials out of the request log", async () => {
    await t.admin.clearRequests();
    for (const p of ALL) expect((await call(p)).status).toBe(200);
    const log = await t.admin.requests();
    expect(log.entries.map((e) => e.platform)).toEqual(ALL);
    const byPlatform = new Map(log.entries.map((e) => [e.platform, e]));
    for (const p of ['facebook', 'instagram'] as const)
      expect(new URLSearchParams(byPlatform.get(p)?.query).get('access_token'), p).toBe('***');
    expect(new URLSearchParams(byPlatform.get('youtube')?.query).get('key')).toBe('***');
    const text = JSON.stringify(log);
    for (const a of t.sim.accounts) expect(text, a.platform).not.toContain(a.token);
  });

  it('reports state with accounts, tokens and base URLs', async () => {
    const s = await t.admin.state();
    expect(s).toHaveProperty('baseUrls.facebook', t.sim.baseUrls.facebook);
    expect((await t.admin.accounts()).map((a) => a.token).sort()).toEqual(
      t.sim.accounts.map((a) => a.token).sort(),
    );
  });
});

describe('clock and growth', () => {
  it('grows reach monotonically to the final value as the fixed clock advances', async () => {
    const post = t.sim.dataset.posts.find((p) => p.platform === 'facebook' && p.infographic);
    if (!post) throw new Error('no post');
    const fb = t.account('facebook');
    await t.admin.setClock({ mode: 'fixed', at: new Date(post.publishedAt) });
    const values: number[] = [];
    for (let day = 0; day <= 30; day += 2) {
      const r = await getJson(
        `${t.sim.baseUrls.facebook}/${post.id}/insights?metric=post_total_media_view_unique,post_media_view&access_token=${fb.token}`,
      );
      const unique = metricValue(r.body.data, 'post_total_media_view_unique') ?? -1;
      expect(metricValue(r.body.data, 'post_media_view')).toBeGreaterThanOrEqual(unique);
      values.push(unique);
      await t.admin.advanceClock({ days: 2 });
    }
    expect(values[0]).toBe(0);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values.at(-1)).toBe(post.finalReach);
    expect(values[3]).toBeGreaterThan(post.finalReach / 4);
    expect(values[3]).toBeLessThan(post.finalReach);
  });

  it('runs an accelerated clock at one simulated day per N seconds', async () => {
    const st = await t.admin.setClock({
      mode: 'accelerated',
      daySeconds: 0.5,
      start: new Date(END_MS()),
    });
    await new Promise((r) => setTimeout(r, 300));
    const later = await t.admin.clock();
    const days = (Date.parse(later.now) - Date.parse(st.now)) / 86_400_000;
    expect(later.mode).toBe('accelerated');
    expect(days).toBeGreaterThan(0.4);
    expect(days).toBeLessThan(3);
  });
});

describe('data sets', () => {
  it('generates 10 to 100,000 posts deterministically from a seed', () => {
    const a = buildDataset({ kind: 'generated', posts: 10 }, 42);
    const b = buildDataset({ kind: 'generated', posts: 10 }, 42);
    expect(a.posts.map((p) => [p.id, p.finalReach])).toEqual(
      b.posts.map((p) => [p.id, p.finalReach]),
    );
    expect(a.posts.filter((p) => p.platform === 'facebook')).toHaveLength(10);
    const big = buildDataset({ kind: 'generated', posts: 100_000 }, 1);
    expect(big.posts.filter((p) => p.platform === 'facebook')).toHaveLength(100_000);
    expect(new Set(big.posts.map((p) => p.id)).size).toBe(big.posts.length);
  });

  it('refuses sizes outside 10..100,000', async () => {
    await expect(startSimulator({ dataset: 'generated', posts: 9 })).rejects.toThrow(/posts/);
    await expect(startSimulator({ dataset: 'generated', posts: 100_001 })).rejects.toThrow(/posts/);
  });
});
