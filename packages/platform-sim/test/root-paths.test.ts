/**
 * Every API is also served at the root paths of its real host, so an official client library
 * reaches it with only its base-URL (host) option changed: Graph `/v25.0/…` (Facebook and
 * Instagram on one root, by the id's owner), X `/2/…`, YouTube `/youtube/v3/…`, TikTok `/v2/…`,
 * LINE `/v2/bot/…`. The prefixed paths keep working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getJson,
  metricValue,
  readAllPages,
  start,
  type BatchItem,
  type GraphBody,
  type TestSim,
} from './helpers';

let t: TestSim;
const firstOf = (platform: string) =>
  t.sim.dataset.posts.find((p) => p.platform === platform && p.infographic)?.id ?? '';

beforeAll(async () => {
  t = await start();
  await t.admin.setClock({
    mode: 'fixed',
    at: new Date(t.sim.dataset.lastPublishedAt + 60 * 86_400_000),
  });
});
afterAll(() => t.sim.close());

/** Drop the per-answer noise (etags, trace and log ids) before comparing two answers. */
function stable(v: unknown): unknown {
  return JSON.parse(
    JSON.stringify(v, (k, x: unknown) =>
      k === 'etag' || k === 'fbtrace_id' || k === 'log_id' ? undefined : x,
    ),
  ) as unknown;
}

describe('root paths of the real hosts', () => {
  it('names the roots: Graph /v25.0 for both Meta products, the host itself for X, TikTok, LINE', () => {
    const u = t.sim.url;
    expect(t.sim.rootUrls).toEqual({
      facebook: `${u}/v25.0`,
      instagram: `${u}/v25.0`,
      x: u,
      youtube: `${u}/youtube/v3`,
      tiktok: u,
      line: u,
    });
  });

  it('YouTube: GET /youtube/v3/videos answers like the prefixed path (a Google client with rootUrl)', async () => {
    const { token } = t.account('youtube');
    const q = `part=snippet,statistics&id=${firstOf('youtube')}&key=${token}`;
    const root = await getJson(`${t.sim.url}/youtube/v3/videos?${q}`);
    const prefixed = await getJson(`${t.sim.baseUrls.youtube}/videos?${q}`);
    expect(root.status).toBe(200);
    expect(root.body.items).toHaveLength(1);
    expect(stable(root.body)).toEqual(stable(prefixed.body));
  });

  it('Graph: /v25.0/{page-id}/posts goes to Facebook and /v25.0/{ig-user-id}/media to Instagram on the same root', async () => {
    const fb = t.account('facebook');
    const ig = t.account('instagram');
    const posts = await readAllPages(
      `${t.sim.url}/v25.0/${fb.accountId}/posts?fields=id,message&limit=100&access_token=${fb.token}`,
    );
    const prefixedPosts = await readAllPages(
      `${t.sim.baseUrls.facebook}/${fb.accountId}/posts?fields=id,message&limit=100&access_token=${fb.token}`,
    );
    expect(posts.items.length).toBeGreaterThan(74);
    expect(posts.items.map((p) => p.id)).toEqual(prefixedPosts.items.map((p) => p.id));
    // Paging links stay on the root.
    const next = posts.pages.find((p) => p.paging?.next)?.paging?.next ?? '';
    expect(next.startsWith(`${t.sim.url}/v25.0/${fb.accountId}/posts?`)).toBe(true);

    const media = await readAllPages(
      `${t.sim.url}/v25.0/${ig.accountId}/media?fields=id,caption&limit=100&access_token=${ig.token}`,
    );
    const prefixedMedia = await readAllPages(
      `${t.sim.baseUrls.instagram}/${ig.accountId}/media?fields=id,caption&limit=100&access_token=${ig.token}`,
    );
    expect(media.items.length).toBeGreaterThan(10);
    expect(media.items.map((m) => m.id)).toEqual(prefixedMedia.items.map((m) => m.id));

    const insights = await getJson(
      `${t.sim.url}/v25.0/${firstOf('instagram')}/insights?metric=reach&access_token=${ig.token}`,
    );
    const catalogReach = t.sim.dataset.byId.get(firstOf('instagram'))?.finalReach;
    expect(metricValue(insights.body.data, 'reach')).toBe(catalogReach);

    const fbInsights = await getJson(
      `${t.sim.url}/v25.0/${firstOf('facebook')}/insights?metric=post_total_media_view_unique&access_token=${fb.token}`,
    );
    expect(metricValue(fbInsights.body.data, 'post_total_media_view_unique')).toBe(
      t.sim.dataset.byId.get(firstOf('facebook'))?.finalReach,
    );
  });

  it('Graph: /v25.0/me is the page for a page token and the IG user for an IG token', async () => {
    const fb = t.account('facebook');
    const ig = t.account('instagram');
    const mePage = await getJson(`${t.sim.url}/v25.0/me?fields=id,name&access_token=${fb.token}`);
    expect(mePage.body.id).toBe(fb.accountId);
    const meIg = await getJson(`${t.sim.url}/v25.0/me?fields=id,username`, {
      headers: { authorization: `Bearer ${ig.token}` },
    });
    expect(meIg.body.id).toBe(ig.accountId);
    expect(meIg.body.username).toBe(ig.username);
    expect(meIg.headers.get('facebook-api-version')).toBe('v25.0');
  });

  it('Graph: a batch on the root mixes Facebook and Instagram items', async () => {
    const fb = t.account('facebook');
    const ig = t.account('instagram');
    const r = await getJson<(BatchItem | null)[]>(`${t.sim.url}/v25.0/`, {
      method: 'POST',
      body: new URLSearchParams({
        access_token: fb.token,
        batch: JSON.stringify([
          {
            method: 'GET',
            relative_url: `${firstOf('facebook')}/insights?metric=post_total_media_view_unique`,
          },
          {
            method: 'GET',
            relative_url: `v25.0/${firstOf('instagram')}/insights?metric=reach&access_token=${ig.token}`,
          },
        ]),
      }),
    });
    expect(r.status).toBe(200);
    const [a, b] = r.body;
    expect(a?.code).toBe(200);
    expect(b?.code).toBe(200);
    expect(
      metricValue((JSON.parse(a?.body ?? '{}') as GraphBody).data, 'post_total_media_view_unique'),
    ).toBe(t.sim.dataset.byId.get(firstOf('facebook'))?.finalReach);
    expect(metricValue((JSON.parse(b?.body ?? '{}') as GraphBody).data, 'reach')).toBe(
      t.sim.dataset.byId.get(firstOf('instagram'))?.finalReach,
    );
  });

  it('X: GET /2/tweets at the root answers like the prefixed path', async () => {
    const { token } = t.account('x');
    const h = { headers: { authorization: `Bearer ${token}` } };
    const q = `ids=${firstOf('x')}&tweet.fields=public_metrics,created_at`;
    const root = await getJson(`${t.sim.url}/2/tweets?${q}`, h);
    const prefixed = await getJson(`${t.sim.baseUrls.x}/2/tweets?${q}`, h);
    expect(root.status).toBe(200);
    expect((root.body.data as unknown[]).length).toBe(1);
    expect(stable(root.body)).toEqual(stable(prefixed.body));
  });

  it('TikTok: POST /v2/video/query/ at the root answers like the prefixed path', async () => {
    const { token } = t.account('tiktok');
    const init = {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filters: { video_ids: [firstOf('tiktok')] } }),
    };
    const root = await getJson(`${t.sim.url}/v2/video/query/?fields=id,view_count`, init);
    const prefixed = await getJson(
      `${t.sim.baseUrls.tiktok}/v2/video/query/?fields=id,view_count`,
      init,
    );
    expect(root.status).toBe(200);
    const videos = (root.body.data as unknown as { videos: { view_count: number }[] }).videos;
    expect(videos[0]?.view_count).toBe(t.sim.dataset.byId.get(firstOf('tiktok'))?.finalReach);
    expect(stable(root.body)).toEqual(stable(prefixed.body));
  });

  it('LINE: GET /v2/bot/insight/message/event at the root answers like the prefixed path', async () => {
    const { token } = t.account('line');
    const h = { headers: { authorization: `Bearer ${token}` } };
    const q = `requestId=${firstOf('line')}`;
    const root = await getJson(`${t.sim.url}/v2/bot/insight/message/event?${q}`, h);
    const prefixed = await getJson(`${t.sim.baseUrls.line}/v2/bot/insight/message/event?${q}`, h);
    expect(root.status).toBe(200);
    expect((root.body.overview as { requestId: string }).requestId).toBe(firstOf('line'));
    expect(stable(root.body)).toEqual(stable(prefixed.body));
  });

  it('logs root calls under the platform that answered them', async () => {
    await t.admin.clearRequests();
    const ig = t.account('instagram');
    const fb = t.account('facebook');
    await getJson(`${t.sim.url}/v25.0/${ig.accountId}?fields=id&access_token=${ig.token}`);
    await getJson(`${t.sim.url}/v25.0/${fb.accountId}?fields=id&access_token=${fb.token}`);
    const log = await t.admin.requests();
    expect(log.entries.map((e) => [e.platform, e.path])).toEqual([
      ['instagram', `/v25.0/${ig.accountId}`],
      ['facebook', `/v25.0/${fb.accountId}`],
    ]);
  });

  it('answers an unknown root path 404 naming the roots it serves', async () => {
    const r = await getJson<{ error: { message: string } }>(`${t.sim.url}/v1/whatever`);
    expect(r.status).toBe(404);
    expect(r.body.error.message).toContain('/youtube/v3/');
    expect(r.body.error.message).toContain('/v2/bot/');
  });
});
