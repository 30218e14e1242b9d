import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getJson, start, type TestSim } from './helpers';

interface Tweet {
  id: string;
  text: string;
  edit_history_tweet_ids: string[];
  created_at?: string;
  public_metrics?: Record<string, number>;
  non_public_metrics?: Record<string, number>;
}
interface XBody {
  data?: Tweet[];
  errors?: Record<string, unknown>[];
  meta?: { result_count: number; next_token?: string };
  title?: string;
  detail?: string;
  type?: string;
  status?: number;
}

let t: TestSim;
let token: string;
let ids: string[];
beforeAll(async () => {
  t = await start({ limits: { x: { limit: 5, windowMs: 900_000 } } });
  token = t.account('x').token;
  ids = t.sim.dataset.posts.filter((p) => p.platform === 'x').map((p) => p.id);
  await t.admin.setClock({
    mode: 'fixed',
    at: new Date(t.sim.dataset.lastPublishedAt + 60 * 86_400_000),
  });
});
afterAll(() => t.sim.close());
beforeEach(() => t.admin.resetLimits('x'));

const lookup = (q: string, auth = token) =>
  getJson<XBody>(`${t.sim.baseUrls.x}/2/tweets?${q}`, {
    headers: { authorization: `Bearer ${auth}` },
  });

describe('X API v2 GET /2/tweets', () => {
  it('answers data with public_metrics.impression_count and rate-limit headers', async () => {
    const r = await lookup(
      `ids=${ids.slice(0, 3).join(',')}&tweet.fields=created_at,public_metrics`,
    );
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(3);
    const tw = r.body.data?.[0];
    expect(tw?.edit_history_tweet_ids).toEqual([tw?.id]);
    expect(Object.keys(tw?.public_metrics ?? {}).sort()).toEqual(
      [
        'bookmark_count',
        'impression_count',
        'like_count',
        'quote_count',
        'reply_count',
        'retweet_count',
      ].sort(),
    );
    expect(tw?.public_metrics?.impression_count).toBe(
      t.sim.dataset.byId.get(tw?.id ?? '')?.finalReach,
    );
    expect(r.headers.get('x-rate-limit-limit')).toBe('5');
    expect(r.headers.get('x-rate-limit-remaining')).toBe('4');
    expect(Number(r.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  it('answers 200 with an errors array for missing and deleted ids', async () => {
    const gone = ids[1] ?? '';
    await t.admin.deletePost(gone);
    const r = await lookup(`ids=${ids[0]},${gone},1234567890123456789`);
    expect(r.status).toBe(200);
    expect(r.body.data?.map((d) => d.id)).toEqual([ids[0]]);
    expect(r.body.errors?.map((e) => e.resource_id)).toEqual([gone, '1234567890123456789']);
    expect(r.body.errors?.[0]).toMatchObject({
      title: 'Not Found Error',
      resource_type: 'tweet',
      parameter: 'ids',
      type: 'https://api.twitter.com/2/problems/resource-not-found',
    });
  });

  it('refuses more than 100 ids, and non-numeric ids, with an invalid-request problem', async () => {
    const many = Array.from({ length: 101 }, (_, i) => String(1000 + i)).join(',');
    const r = await lookup(`ids=${many}`);
    expect(r.status).toBe(400);
    expect(r.body.title).toBe('Invalid Request');
    expect(JSON.stringify(r.body.errors)).toContain('[101]');
    const hundred = Array.from({ length: 100 }, (_, i) => String(1000 + i)).join(',');
    expect((await lookup(`ids=${hundred}`)).status).toBe(200);
    expect((await lookup('ids=abc')).status).toBe(400);
  });

  it('counts down remaining and answers 429 when the window is spent', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++)
      remaining.push((await lookup(`ids=${ids[0]}`)).headers.get('x-rate-limit-remaining') ?? '');
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const r = await lookup(`ids=${ids[0]}`);
    expect(r.status).toBe(429);
    expect(r.body).toMatchObject({ title: 'Too Many Requests', status: 429 });
    expect(r.headers.get('x-rate-limit-remaining')).toBe('0');
  });

  it('answers 401 for an unknown or expired token', async () => {
    expect((await lookup(`ids=${ids[0]}`, 'nope')).status).toBe(401);
    await t.admin.updateToken(token, { status: 'expired' });
    const r = await lookup(`ids=${ids[0]}`);
    expect(r.status).toBe(401);
    expect(r.body.title).toBe('Unauthorized');
    await t.admin.updateToken(token, { status: 'valid' });
  });

  it('pages the user timeline with meta.next_token', async () => {
    const user = t.account('x').accountId;
    const seen: string[] = [];
    let next: string | undefined;
    let calls = 0;
    do {
      const q: string = `max_results=100${next ? `&pagination_token=${next}` : ''}`;
      const r = await getJson<XBody>(`${t.sim.baseUrls.x}/2/users/${user}/tweets?${q}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(r.status).toBe(200);
      seen.push(...(r.body.data ?? []).map((d) => d.id));
      next = r.body.meta?.next_token;
      calls++;
    } while (next !== undefined && calls < 5);
    expect(seen.sort()).toEqual([...ids].sort().filter((id) => id !== ids[1]));
  });
});
