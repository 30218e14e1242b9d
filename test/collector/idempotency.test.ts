/**
 * Doing work twice changes nothing:
 * - a harvest job run again with the same id and data (BullMQ's retry after a crash between the
 *   platform call and the acknowledgement), even though the platform now answers higher numbers,
 *   leaves one snapshot per post, the first reading, and the same story reach and year figures;
 * - two collector runtimes on the same Redis prefix and store, ticking together, ask the
 *   platforms for each post once per step and store one snapshot per post per step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTENDED_HARVEST_INTERVAL_MS, cadenceFor, type Platform } from '@reachline/shared';
import { kpiFiguresId, snapshotBucket, snapshotId } from '@reachline/shared/models';
import { harvestBatch, type HarvestJobData } from '../../apps/collector/src/pipeline/harvestBatch';
import type { Runtime } from '../../apps/collector/src/pipeline/runtime';
import {
  buildDataset,
  catalogAt,
  lastSeq,
  requestsSince,
  setInfographicRule,
  startProbeCollector,
  startSecondRuntime,
  type ProbeCollector,
  type SecondRuntime,
  type SimRequest,
} from '../helpers/collectorProbe';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('a harvest job run twice', () => {
  let c: ProbeCollector;
  const t = new Date('2025-03-10T12:00:00+07:00');
  const jobId = 'harvest-idempotency-test-1';
  let data: HarvestJobData;
  let ids: string[] = [];
  let first: Awaited<ReturnType<typeof snapshotState>>;
  let second: Awaited<ReturnType<typeof snapshotState>>;
  const answered: [number, number] = [0, 0];
  let platformNow = new Map<string, number>();

  /** Snapshots (by `_id`), posts, stories and the year's figures, as plain values. */
  async function snapshotState() {
    const posts = await c.models.Post.find({ _id: { $in: data.posts.map((p) => p.postId) } })
      .sort({ _id: 1 })
      .lean();
    const byId: Record<string, number> = {};
    let byIdCount = 0;
    for (const p of posts) {
      const interval =
        cadenceFor(t.getTime() - p.publishedAt.getTime()) ?? EXTENDED_HARVEST_INTERVAL_MS;
      const id = snapshotId(p._id, snapshotBucket(new Date(data.slotAt), interval));
      byIdCount += await c.models.ReachSnapshot.countDocuments({ _id: id });
      const snap = await c.models.ReachSnapshot.findById(id, { reach: 1 }).lean();
      byId[p.externalId] = snap?.reach ?? -1;
    }
    const stories = await c.models.Story.find(
      { _id: { $in: posts.map((p) => p.storyId) } },
      { reach: 1, passed: 1 },
    )
      .sort({ _id: 1 })
      .lean();
    const figures = await c.models.KpiFigures.findById(kpiFiguresId(2568), {
      published: 1,
      passed: 1,
    }).lean();
    return {
      byId,
      byIdCount,
      total: await c.models.ReachSnapshot.countDocuments({}),
      postReach: posts.map((p) => [p.externalId, p.latestReach]),
      stories: stories.map((s) => [String(s._id), s.reach, s.passed]),
      figures: { published: figures?.published, passed: figures?.passed },
      runs: await c.models.HarvestRun.countDocuments({}),
    };
  }

  beforeAll(async () => {
    c = await startProbeCollector(db, {
      start: t,
      sim: {
        dataset: {
          data: buildDataset({
            // 1 to 3 days old: still growing, so a later read answers more.
            from: new Date(t.getTime() - 3 * DAY),
            spacingMs: 2 * HOUR,
            platforms: { facebook: { infographics: 24 } },
          }),
        },
      },
    });
    await setInfographicRule(c.models, 2568);
    await c.discover();
    // What a tick would enqueue: the due posts, claimed, as one job of one account.
    const claimed = await c.runtime.ctx.schedule.claim(t, 1000);
    expect(claimed).toHaveLength(24);
    ids = claimed.map((p) => p.externalId);
    data = {
      accountId: claimed[0]!.accountId,
      platform: 'facebook',
      slotAt: t.toISOString(),
      posts: claimed.map((p) => ({ postId: p.postId, externalId: p.externalId })),
    };
    const ctx = c.runtime.ctx;
    answered[0] = (await harvestBatch(ctx, jobId, 1, data)).postsAnswered;
    first = await snapshotState();
    // The retry comes ten minutes later: the platform's numbers have grown meanwhile.
    await c.setTime(new Date(t.getTime() + 10 * 60_000));
    platformNow = await platformReach(c, ids);
    answered[1] = (await harvestBatch(ctx, jobId, 2, data)).postsAnswered;
    second = await snapshotState();
  }, 120_000);

  afterAll(async () => {
    await c?.close();
  });

  it('read the platform both times, and the platform’s numbers had grown', () => {
    expect(answered).toEqual([24, 24]);
    const grown = ids.filter((id) => (platformNow.get(id) ?? 0) > (first.byId[id] ?? 0));
    expect(grown.length).toBeGreaterThan(0);
  });

  it('leaves exactly one snapshot per post, found by its _id, holding the first reading', () => {
    expect(first.byIdCount).toBe(24);
    expect(Object.values(first.byId).every((r) => r > 0)).toBe(true);
    expect(second.byIdCount).toBe(24);
    expect(second.total).toBe(24);
    expect(second.byId).toEqual(first.byId);
  });

  it('leaves the posts, the story reach and the year figures as the first run left them', () => {
    expect(second.postReach).toEqual(first.postReach);
    expect(second.stories).toHaveLength(24);
    expect(second.stories).toEqual(first.stories);
    expect(second.figures).toEqual(first.figures);
    expect(second.figures.published).toBe(24);
    expect(second.runs).toBe(1);
  });
});

/** Each post's reach as the simulator answers it now (one Graph call per post). */
async function platformReach(c: ProbeCollector, ids: string[]): Promise<Map<string, number>> {
  const token = c.sim.accounts.find((a) => a.platform === 'facebook')!.token;
  const out = new Map<string, number>();
  for (const id of ids) {
    const res = await fetch(
      `${c.sim.baseUrls.facebook}/${id}/insights?metric=post_total_media_view_unique`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const body = (await res.json()) as { data: { values: { value: number }[] }[] };
    out.set(id, body.data[0]!.values[0]!.value);
  }
  return out;
}

describe('two collector runtimes on one Redis prefix and store', () => {
  let c: ProbeCollector;
  let second: SecondRuntime;
  const t1 = new Date('2025-03-25T12:00:00+07:00');
  const t2 = new Date(t1.getTime() + DAY);
  const counts = { facebook: 101, x: 12, tiktok: 21, instagram: 3 } as const;
  const steps: { discovery: SimRequest[]; harvest: SimRequest[]; claimed: number[] }[] = [];

  /** Both runtimes tick together, each drains; until neither claims anything. */
  async function stepTogether(runtimes: Runtime[]) {
    let seq = await lastSeq(c.admin);
    await Promise.all(runtimes.map((r) => r.pipeline.tickDiscovery()));
    await Promise.all(runtimes.map((r) => r.pipeline.drain()));
    const discovery = await requestsSince(c.admin, seq);
    seq = await lastSeq(c.admin);
    const claimed = runtimes.map(() => 0);
    for (;;) {
      const ticks = await Promise.all(runtimes.map((r) => r.pipeline.tickHarvest()));
      ticks.forEach((t, i) => (claimed[i]! += t.claimed));
      await Promise.all(runtimes.map((r) => r.pipeline.drain()));
      if (ticks.every((t) => t.claimed === 0)) break;
    }
    steps.push({ discovery, harvest: await requestsSince(c.admin, seq), claimed });
  }

  beforeAll(async () => {
    await db.connection.dropDatabase();
    const prefix = `${db.prefix}:twins`;
    c = await startProbeCollector(db, {
      start: t1,
      prefix,
      sim: {
        dataset: {
          data: buildDataset({
            // 8 to 12 days old: read every 6 hours, so all are due again a day later.
            from: new Date(t1.getTime() - 12 * DAY),
            spacingMs: HOUR,
            platforms: {
              facebook: { infographics: counts.facebook },
              x: { infographics: counts.x },
              tiktok: { infographics: counts.tiktok },
              instagram: { infographics: counts.instagram },
            },
          }),
        },
      },
    });
    await setInfographicRule(c.models, 2568);
    second = await startSecondRuntime(db, c, prefix);
    await stepTogether([c.runtime, second.runtime]);
    await c.setTime(t2);
    await stepTogether([c.runtime, second.runtime]);
  }, 120_000);

  afterAll(async () => {
    await second?.close();
    await c?.close();
  });

  it('lists each account once per step (the first page asked once)', () => {
    for (const [i, step] of steps.entries()) {
      const firstPages = step.discovery.filter(
        (r) => !/(?:^|&)(after|pagination_token)=/.test(r.query),
      );
      const byPlatform: Record<string, number> = {};
      for (const r of firstPages) byPlatform[r.platform] = (byPlatform[r.platform] ?? 0) + 1;
      // TikTok pages by a cursor in the POST body: its first pages cannot be told apart here.
      delete byPlatform.tiktok;
      expect(byPlatform, `step ${i + 1}`).toEqual({ facebook: 1, x: 1, instagram: 1 });
    }
  });

  it('asks each platform for each due post once per step', () => {
    for (const [i, step] of steps.entries()) {
      const of = (p: Platform) => step.harvest.filter((r) => r.platform === p);
      const fb = of('facebook');
      expect(fb, `step ${i + 1}`).toHaveLength(Math.ceil(counts.facebook / 50));
      expect(fb.reduce((t, r) => t + (r.items ?? 0), 0)).toBe(counts.facebook);
      expect(of('x'), `step ${i + 1}`).toHaveLength(Math.ceil(counts.x / 100));
      expect(of('tiktok'), `step ${i + 1}`).toHaveLength(Math.ceil(counts.tiktok / 20));
      expect(of('instagram'), `step ${i + 1}`).toHaveLength(counts.instagram);
      const total = counts.facebook + counts.x + counts.tiktok + counts.instagram;
      expect(
        step.claimed.reduce((a, b) => a + b, 0),
        `step ${i + 1}`,
      ).toBe(total);
    }
  });

  it('stores one snapshot per post per step, each post harvested in both steps', async () => {
    const total = counts.facebook + counts.x + counts.tiktok + counts.instagram;
    expect(await c.models.ReachSnapshot.countDocuments({})).toBe(2 * total);
    for (const at of [t1, t2]) {
      const snaps = await c.models.ReachSnapshot.find({ capturedAt: at }, { postId: 1 }).lean();
      expect(snaps, at.toISOString()).toHaveLength(total);
      expect(new Set(snaps.map((s) => String(s.postId))).size).toBe(total);
    }
    for (const p of ['facebook', 'x', 'tiktok', 'instagram'] as const) {
      const catalog = (await catalogAt(c.admin, p, t2)).filter((x) => x.infographic);
      const harvested = await c.models.Post.countDocuments({
        platform: p,
        lastHarvestAt: t2,
      });
      expect(harvested, p).toBe(catalog.length);
    }
  });
});
