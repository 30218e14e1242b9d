import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getJson,
  graphErrorOf,
  metricValue,
  parseBuc,
  readAllPages,
  start,
  type InsightsResult,
  type TestSim,
} from './helpers';

let t: TestSim;
let base: string;
let igId: string;
let token: string;
let media: string[];
beforeAll(async () => {
  t = await start({ emptyPageEvery: 2, limits: { instagram: { callQuota: 40 } } });
  base = t.sim.baseUrls.instagram;
  ({ accountId: igId, token } = t.account('instagram'));
  media = t.sim.dataset.posts.filter((p) => p.platform === 'instagram').map((p) => p.id);
  await t.admin.setClock({
    mode: 'fixed',
    at: new Date(t.sim.dataset.lastPublishedAt + 60 * 86_400_000),
  });
});
afterAll(() => t.sim.close());

describe('Instagram', () => {
  it('pages /{ig-user-id}/media through every media once', async () => {
    const { items, pages } = await readAllPages(
      `${base}/${igId}/media?fields=id,caption,media_type,media_product_type,timestamp,permalink&limit=10&access_token=${token}`,
    );
    expect(items.map((i) => String(i.id)).sort()).toEqual([...media].sort());
    expect(items[0]).toMatchObject({ media_type: 'IMAGE', media_product_type: 'FEED' });
    expect(pages.some((p) => (p.data ?? []).length === 0 && p.paging?.next !== undefined)).toBe(
      true,
    );
  });

  it('answers reach and views insights', async () => {
    const id = media[0] ?? '';
    const r = await getJson(`${base}/${id}/insights?metric=reach,views&access_token=${token}`);
    expect(r.status).toBe(200);
    const data = r.body.data as unknown as InsightsResult[];
    expect(data.map((d) => [d.name, d.period])).toEqual([
      ['reach', 'lifetime'],
      ['views', 'lifetime'],
    ]);
    const post = t.sim.dataset.byId.get(id);
    expect(metricValue(data, 'reach')).toBe(post?.finalReach);
    expect(metricValue(data, 'views')).toBe(post?.finalViews);
  });

  // Retired for all versions on 2025-04-21 (research §2): impressions (replaced by views), plays,
  // clips_replays_count, ig_reels_aggregated_all_plays_count, and video_views.
  it.each([
    'impressions',
    'plays',
    'clips_replays_count',
    'ig_reels_aggregated_all_plays_count',
    'video_views',
  ])('fails the whole call with code 100 "no longer supported" when %s is asked', async (m) => {
    const r = await getJson(`${base}/${media[0]}/insights?metric=reach,${m}&access_token=${token}`);
    expect(r.status).toBe(400);
    const e = graphErrorOf(r.body);
    expect(e).toMatchObject({ code: 100, type: 'OAuthException' });
    expect(e.message).toContain(
      `Starting from version 22 and above, the ${m} metric is no longer supported for the queried media`,
    );
    expect(r.body.data).toBeUndefined();
  });

  it('answers code 190 for an expired token and 80002 with usage once the IG quota is spent', async () => {
    await t.admin.updateToken(token, { status: 'expired' });
    const exp = await getJson(`${base}/${media[0]}/insights?metric=reach&access_token=${token}`);
    expect(graphErrorOf(exp.body)).toMatchObject({ code: 190, error_subcode: 463 });
    await t.admin.updateToken(token, { status: 'valid' });
    await t.admin.resetLimits('instagram');
    let last = await getJson(`${base}/${media[0]}/insights?metric=reach&access_token=${token}`);
    for (let i = 0; i < 40; i++)
      last = await getJson(`${base}/${media[0]}/insights?metric=reach&access_token=${token}`);
    expect(graphErrorOf(last.body).code).toBe(80002);
    expect(parseBuc(last.headers.get('x-business-use-case-usage'), igId)?.type).toBe('instagram');
  });
});
