/**
 * Calls per post, read from the simulator's request log: a harvest tick asks each platform for
 * its due posts at the platform's batch limit (Facebook 50 per Batch API call, X 100 per
 * `/2/tweets`, YouTube 50 per `videos.list`, TikTok 20 per `video/query`; Instagram and LINE one
 * call per post), with no throttling while the quota suffices. When it does not (X with one call
 * per 2-second window), the collector waits, its jobs delayed rather than failed, and every post
 * is harvested once the window allows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '@reachline/shared';
import {
  buildDataset,
  catalogAt,
  drainWatching,
  lastSeq,
  requestsSince,
  setInfographicRule,
  startProbeCollector,
  type ProbeCollector,
  type SimRequest,
  type WatchedDrain,
} from '../helpers/collectorProbe';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
const HOUR = 3_600_000;

/**
 * The catalog's infographics of a platform at `at`, by the id the collector knows them by (LINE:
 * the custom aggregation unit): the posts due at the first harvest.
 */
async function dueIds(c: ProbeCollector, platform: Platform, at: Date): Promise<string[]> {
  return (await catalogAt(c.admin, platform, at))
    .filter((p) => p.infographic)
    .map((p) => p.unit ?? p.id);
}

/** Per platform: the snapshots in the store, by the external id of their post. */
async function snapshotsByPlatform(c: ProbeCollector): Promise<Map<Platform, string[]>> {
  const posts = await c.models.Post.find({}, { platform: 1, externalId: 1 }).lean();
  const byId = new Map(posts.map((p) => [String(p._id), p]));
  const out = new Map<Platform, string[]>();
  for (const s of await c.models.ReachSnapshot.find({}, { postId: 1 }).lean()) {
    const post = byId.get(String(s.postId));
    if (!post) throw new Error(`snapshot ${s._id} has no post`);
    out.set(post.platform, [...(out.get(post.platform) ?? []), post.externalId]);
  }
  return out;
}

describe('a harvest tick at the platforms’ batch limits', () => {
  let c: ProbeCollector;
  const at = new Date('2025-03-12T12:00:00+07:00');
  let calls: SimRequest[] = [];
  const due = new Map<Platform, string[]>();

  beforeAll(async () => {
    c = await startProbeCollector(db, {
      start: at,
      sim: {
        dataset: {
          data: buildDataset({
            from: new Date('2025-03-01T08:00:00+07:00'),
            spacingMs: 2 * HOUR,
            platforms: {
              facebook: { infographics: 51, ordinary: 4 },
              x: { infographics: 101 },
              youtube: { infographics: 51 },
              tiktok: { infographics: 21, ordinary: 2 },
              instagram: { infographics: 5 },
              line: { infographics: 5 },
            },
          }),
        },
      },
    });
    await setInfographicRule(c.models, 2568);
    await c.discover();
    for (const p of ['facebook', 'x', 'youtube', 'tiktok', 'instagram', 'line'] as const) {
      due.set(p, await dueIds(c, p, at));
    }
    const seq = await lastSeq(c.admin);
    await c.harvest();
    calls = await requestsSince(c.admin, seq);
  }, 120_000);

  afterAll(async () => {
    await c?.close();
  });

  it('has the posts the catalog says are due (the premise of the counts)', () => {
    expect(due.get('facebook')).toHaveLength(51);
    expect(due.get('x')).toHaveLength(101);
    expect(due.get('youtube')).toHaveLength(51);
    expect(due.get('tiktok')).toHaveLength(21);
  });

  it('sends Facebook ceil(n/50) batch POSTs holding each due post once', () => {
    const n = due.get('facebook')!.length;
    const batches = calls.filter((r) => r.platform === 'facebook' && r.method === 'POST');
    expect(batches).toHaveLength(Math.ceil(n / 50));
    expect(batches.map((r) => r.items).sort((a, b) => a! - b!)).toEqual([1, 50]);
    expect(batches.reduce((t, r) => t + (r.items ?? 0), 0)).toBe(n);
    // No call outside the batches.
    expect(calls.filter((r) => r.platform === 'facebook')).toHaveLength(batches.length);
  });

  it('reads X ceil(n/100), YouTube ceil(n/50), TikTok ceil(n/20) calls, nothing else', () => {
    const of = (platform: Platform) => calls.filter((r) => r.platform === platform);
    expect(of('x').filter((r) => r.path === '/2/tweets')).toHaveLength(
      Math.ceil(due.get('x')!.length / 100),
    );
    expect(of('x')).toHaveLength(Math.ceil(due.get('x')!.length / 100));
    expect(of('youtube').filter((r) => r.path.endsWith('/videos'))).toHaveLength(
      Math.ceil(due.get('youtube')!.length / 50),
    );
    expect(of('youtube')).toHaveLength(Math.ceil(due.get('youtube')!.length / 50));
    expect(of('tiktok').filter((r) => r.path === '/v2/video/query/')).toHaveLength(
      Math.ceil(due.get('tiktok')!.length / 20),
    );
    expect(of('tiktok')).toHaveLength(Math.ceil(due.get('tiktok')!.length / 20));
    // Each call full up to the limit: the ids each one carried (X and YouTube name them).
    const idsPerCall = (platform: Platform) =>
      of(platform)
        .map(
          (r) =>
            (new URLSearchParams(r.query).get('ids') ??
              new URLSearchParams(r.query).get('id'))!.split(',').length,
        )
        .sort((a, b) => a - b);
    expect(idsPerCall('x')).toEqual([1, 100]);
    expect(idsPerCall('youtube')).toEqual([1, 50]);
    // The platforms without a multi-post read: one call per post.
    expect(of('instagram')).toHaveLength(due.get('instagram')!.length);
    expect(of('line')).toHaveLength(due.get('line')!.length);
  });

  it('meets no throttling, and every due post has exactly one snapshot', async () => {
    expect(calls.filter((r) => r.status !== 200)).toEqual([]);
    const runs = await c.models.HarvestRun.find({}, { errorsByClass: 1, status: 1 }).lean();
    expect(runs.filter((r) => r.status !== 'ok')).toEqual([]);
    // One snapshot per due post: the same ids, each once.
    const snapshots = await snapshotsByPlatform(c);
    for (const platform of ['facebook', 'x', 'youtube', 'tiktok', 'instagram', 'line'] as const) {
      expect((snapshots.get(platform) ?? []).sort(), platform).toEqual(
        [...due.get(platform)!].sort(),
      );
    }
  });
});

describe('X with one call per window of 2 s', () => {
  let c: ProbeCollector;
  const windowMs = 2_000;
  const from = new Date('2025-03-01T08:00:00+07:00');
  const end = new Date('2025-03-12T12:00:00+07:00');
  let calls: SimRequest[] = [];
  let watched: WatchedDrain;
  let due: string[] = [];

  beforeAll(async () => {
    // A store and a Redis prefix of its own: the first world's posts must not be in the way.
    await db.connection.dropDatabase();
    c = await startProbeCollector(db, {
      start: new Date(from.getTime() + 119 * HOUR),
      prefix: `${db.prefix}:quota`,
      sim: {
        dataset: {
          data: buildDataset({
            from,
            spacingMs: 2 * HOUR,
            platforms: { x: { infographics: 101 } },
          }),
        },
        limits: { x: { windowMs, limit: 1 } },
      },
    });
    await setInfographicRule(c.models, 2568);
    // Discovery in two runs, each one timeline page, so that listing fits the window too.
    await c.discover();
    await c.setTime(end);
    await c.discover();
    due = await dueIds(c, 'x', end);
    const seq = await lastSeq(c.admin);
    // One tick claims all 101 posts: two calls of 100 and 1, one window each.
    const tick = await c.runtime.pipeline.tickHarvest();
    expect(tick).toMatchObject({ claimed: 101, jobs: 2 });
    watched = await drainWatching(c.runtime.pipeline);
    await c.harvest();
    calls = await requestsSince(c.admin, seq);
  }, 120_000);

  afterAll(async () => {
    await c?.close();
  });

  it('waits for the window: jobs delayed, none failed', () => {
    expect(watched.maxDelayed).toBeGreaterThanOrEqual(1);
    expect(watched.failed).toBe(0);
    const ok = calls.filter((r) => r.path === '/2/tweets' && r.status === 200);
    expect(ok).toHaveLength(2);
    // The second call that got through came a window after the first.
    const [a, b] = ok.map((r) => Date.parse(r.at));
    expect(b! - a!).toBeGreaterThanOrEqual(windowMs - 50);
  });

  it('loses no post: each has its one snapshot', async () => {
    expect(due).toHaveLength(101);
    const snapshots = await snapshotsByPlatform(c);
    expect((snapshots.get('x') ?? []).sort()).toEqual([...due].sort());
    expect(await c.models.Post.countDocuments({ platform: 'x', harvestError: { $ne: null } })).toBe(
      0,
    );
  });
});
