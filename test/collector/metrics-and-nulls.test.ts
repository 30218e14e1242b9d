/**
 * Two ways a Facebook Batch API answer goes wrong without the platform being down:
 * - a metric the collector asks for is retired (`post_media_view` refused with `(#100)`): the
 *   collector reports it (a warning naming the metric) and still brings every post's reach,
 *   also when two batches of one collector overlap while it finds out;
 * - items come back `null` (not completed; 30 % of them here): they are asked again, and every
 *   post ends with its snapshot.
 * The posts are past their 28-day curve, so each snapshot must hold the catalog's final reach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogPost } from '@reachline/platform-sim';
import { harvestBatch, type HarvestJobData } from '../../apps/collector/src/pipeline/harvestBatch';
import {
  buildDataset,
  catalogAt,
  lastSeq,
  requestsSince,
  setInfographicRule,
  startProbeCollector,
  startSecondRuntime,
  type ProbeCollector,
  type SimRequest,
} from '../helpers/collectorProbe';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
const DAY = 86_400_000;
const at = new Date('2025-03-20T12:00:00+07:00');

/** Posts 40 to 45 days old at `at`: final, and read once a day. */
const dataset = (infographics: number) =>
  buildDataset({
    from: new Date(at.getTime() - 45 * DAY),
    spacingMs: Math.floor((5 * DAY) / infographics),
    platforms: { facebook: { infographics, ordinary: 3 } },
  });

/** Each Facebook infographic's snapshots in the store: external id → reach values. */
async function snapshotReach(c: ProbeCollector): Promise<Map<string, number[]>> {
  const posts = await c.models.Post.find(
    { platform: 'facebook', isInfographic: true },
    { externalId: 1 },
  ).lean();
  const out = new Map(posts.map((p) => [p.externalId, [] as number[]]));
  const byId = new Map(posts.map((p) => [String(p._id), p.externalId]));
  for (const s of await c.models.ReachSnapshot.find({}, { postId: 1, reach: 1 }).lean()) {
    const ext = byId.get(String(s.postId));
    if (ext !== undefined) out.get(ext)!.push(s.reach);
  }
  return out;
}

/** What the catalog says each post's snapshots must be: one, at the final reach. */
const expected = (catalog: CatalogPost[]) =>
  new Map(catalog.filter((p) => p.infographic).map((p) => [p.id, [p.finalReach]]));

describe('a retired insights metric', () => {
  let c: ProbeCollector;
  let catalog: CatalogPost[] = [];
  let calls: SimRequest[] = [];

  beforeAll(async () => {
    c = await startProbeCollector(db, {
      start: at,
      // One job at a time: the overlap of two batches is the subject of its own test below.
      concurrency: 1,
      sim: {
        dataset: { data: dataset(60) },
        faults: { retiredMetrics: { facebook: ['post_media_view'] } },
      },
    });
    await setInfographicRule(c.models, 2568);
    await c.discover();
    catalog = await catalogAt(c.admin, 'facebook', at);
    const seq = await lastSeq(c.admin);
    await c.harvest();
    calls = await requestsSince(c.admin, seq);
  }, 120_000);

  afterAll(async () => {
    await c?.close();
  });

  it('is reported: a warning names the platform and the metric', () => {
    const reports = c.logs.filter(
      (l) =>
        l.level === 'warn' &&
        l.platform === 'facebook' &&
        Array.isArray(l.metrics) &&
        l.metrics.includes('post_media_view'),
    );
    expect(reports.length).toBeGreaterThanOrEqual(1);
  });

  it('still brings every post its reach: one snapshot each, at the final value', async () => {
    expect(catalog.filter((p) => p.infographic)).toHaveLength(60);
    expect(await snapshotReach(c)).toEqual(expected(catalog));
  });

  it('stores reach without the retired metric', async () => {
    const snaps = await c.models.ReachSnapshot.find({}, { metric: 1, metrics: 1 }).lean();
    expect(snaps).toHaveLength(60);
    const withRetired = snaps.filter((s) => 'post_media_view' in (s.metrics ?? {}));
    expect(withRetired).toHaveLength(0);
    expect(snaps.every((s) => s.metric === 'post_total_media_view_unique')).toBe(true);
  });

  it('costs a probe, not a call per post: at most 2 batches + 2 probes + 2 repeats', () => {
    const fb = calls.filter((r) => r.platform === 'facebook');
    expect(fb.every((r) => r.method === 'POST')).toBe(true);
    expect(fb.length).toBeLessThanOrEqual(6);
  });

  it('brings every post its reach when two overlapping batches meet the refusal', async () => {
    // A second collector process: its connectors have not learnt of the retired metric yet.
    const other = await startSecondRuntime(db, c);
    try {
      const next = new Date(at.getTime() + DAY); // a new daily slot for every post
      await c.setTime(next);
      // Each answer takes 500 ms: batch A is refused at ~0.5 s and drops the metric after its
      // probe at ~1 s; batch B, sent at ~0.75 s with the metric still in, is refused at ~1.25 s.
      await c.admin.setFaults({ latencyMs: 500 });
      const posts = await c.models.Post.find(
        { platform: 'facebook', isInfographic: true },
        { externalId: 1, accountId: 1 },
      )
        .sort({ publishedAt: 1 })
        .lean();
      const job = (slice: typeof posts): HarvestJobData => ({
        accountId: String(slice[0]!.accountId),
        platform: 'facebook',
        slotAt: next.toISOString(),
        posts: slice.map((p) => ({ postId: String(p._id), externalId: p.externalId })),
      });
      const a = harvestBatch(other.runtime.ctx, 'overlap-a', 1, job(posts.slice(0, 50)));
      await new Promise((r) => setTimeout(r, 750));
      const b = harvestBatch(other.runtime.ctx, 'overlap-b', 1, job(posts.slice(50)));
      const outcomes = await Promise.all([a, b]);
      await c.admin.setFaults({ latencyMs: 0 });
      const lost = await c.models.Post.find(
        { platform: 'facebook', isInfographic: true, latestReachAt: { $ne: next } },
        { externalId: 1, harvestError: 1 },
      ).lean();
      expect({
        answered: outcomes.map((o) => o.postsAnswered),
        lost: lost.length,
        firstError: lost[0]?.harvestError?.message,
      }).toEqual({ answered: [50, 10], lost: 0, firstError: undefined });
      expect(await c.models.ReachSnapshot.countDocuments({ capturedAt: next })).toBe(60);
    } finally {
      await c.admin.setFaults({ latencyMs: 0 });
      await other.close();
    }
  });
});

describe('null batch items', () => {
  let c: ProbeCollector;
  let catalog: CatalogPost[] = [];
  let firstStepCalls: SimRequest[] = [];
  let steps = 0;

  beforeAll(async () => {
    await db.connection.dropDatabase();
    c = await startProbeCollector(db, {
      start: at,
      prefix: `${db.prefix}:nulls`,
      sim: { dataset: { data: dataset(100) }, faults: { batchNullRate: 0.3 } },
    });
    await setInfographicRule(c.models, 2568);
    await c.discover();
    catalog = await catalogAt(c.admin, 'facebook', at);
    const seq = await lastSeq(c.admin);
    await c.harvest();
    steps = 1;
    firstStepCalls = await requestsSince(c.admin, seq);
    // Posts still unanswered after the batch's own repeats come back 15 minutes later.
    while (
      steps < 5 &&
      (await c.models.Post.countDocuments({ isInfographic: true, latestReachAt: null })) > 0
    ) {
      await c.setTime(new Date(at.getTime() + steps * 15 * 60_000));
      await c.step();
      steps++;
    }
  }, 120_000);

  afterAll(async () => {
    await c?.close();
  });

  it('asks again for the null items within the first step', () => {
    const n = catalog.filter((p) => p.infographic).length;
    expect(n).toBe(100);
    const batches = firstStepCalls.filter((r) => r.platform === 'facebook' && r.method === 'POST');
    // Two full batches, then smaller follow-ups with the items that came back null.
    expect(batches.length).toBeGreaterThan(Math.ceil(n / 50));
    expect(batches.reduce((t, r) => t + (r.items ?? 0), 0)).toBeGreaterThan(n);
  });

  it('gives every post its snapshot, at the final reach, once', async () => {
    expect(await snapshotReach(c)).toEqual(expected(catalog));
    expect(await c.models.ReachSnapshot.countDocuments({})).toBe(100);
    expect(
      await c.models.Post.countDocuments({ isInfographic: true, harvestError: { $ne: null } }),
    ).toBe(0);
    expect(steps).toBeLessThanOrEqual(5);
  });
});
