/**
 * Facebook's call quota running out in the middle of a harvest: the Page may make 60 calls per
 * 2-second window (each batch item is a call), and one tick has 100 posts due, two batches of
 * 50. The Graph answers the items past the quota with `(#80001)` inside an otherwise good batch
 * and says, in minutes, when access comes back. The collector must wait for it (jobs delayed, not
 * failed) and then read the rest: no post lost, none pushed to another day.
 *
 * The wait is at least a minute (the Graph states it in whole minutes), so this file takes more
 * than a minute when the collector does it right.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let c: ProbeCollector;
const at = new Date('2025-03-12T12:00:00+07:00');
let due: string[] = [];
let watched: WatchedDrain;
let calls: SimRequest[] = [];

beforeAll(async () => {
  c = await startProbeCollector(db, {
    start: at,
    sim: {
      dataset: {
        data: buildDataset({
          from: new Date('2025-03-01T08:00:00+07:00'),
          spacingMs: 2 * 3_600_000,
          platforms: { facebook: { infographics: 100 } },
        }),
      },
      limits: { facebook: { windowMs: 2_000, callQuota: 60 } },
    },
  });
  await setInfographicRule(c.models, 2568);
  await c.discover();
  due = (await catalogAt(c.admin, 'facebook', at)).filter((p) => p.infographic).map((p) => p.id);
  // Discovery's own calls are out of the window by now; the harvest starts with a full quota.
  await new Promise((r) => setTimeout(r, 2_100));
  const seq = await lastSeq(c.admin);
  const tick = await c.runtime.pipeline.tickHarvest();
  expect(tick).toMatchObject({ claimed: 100, jobs: 2 });
  watched = await drainWatching(c.runtime.pipeline, 170_000);
  // Items refused part-way are due again at once; the ticks that hand them out meet the cooldown.
  for (;;) {
    const { claimed } = await c.runtime.pipeline.tickHarvest();
    const more = await drainWatching(c.runtime.pipeline, 170_000);
    watched = {
      failed: Math.max(watched.failed, more.failed),
      maxDelayed: Math.max(watched.maxDelayed, more.maxDelayed),
    };
    if (claimed === 0) break;
  }
  calls = await requestsSince(c.admin, seq);
}, 240_000);

afterAll(async () => {
  await c?.close();
});

describe('Facebook quota spent mid-harvest', () => {
  it('was spent: the Graph refused some of the items', async () => {
    expect(due).toHaveLength(100);
    const batches = calls.filter((r) => r.platform === 'facebook' && r.method === 'POST');
    expect(batches.reduce((t, r) => t + (r.items ?? 0), 0)).toBeGreaterThanOrEqual(100);
    // Refused items come back inside a 200 batch: the harvest runs count them by class.
    const runs = await c.models.HarvestRun.find({}, { errorsByClass: 1, rateLimitWaits: 1 }).lean();
    const throttled = runs.reduce(
      (t, r) =>
        t +
        ((r.errorsByClass as unknown as Record<string, number>).throttled ?? 0) +
        (r.rateLimitWaits ?? 0),
      0,
    );
    expect(throttled).toBeGreaterThan(0);
  });

  it('waits rather than fails: a job was delayed, none failed', () => {
    expect(watched.failed).toBe(0);
    expect(watched.maxDelayed).toBeGreaterThanOrEqual(1);
  });

  it('loses no post: every due post has its snapshot in this step and no error', async () => {
    const posts = await c.models.Post.find(
      { platform: 'facebook', isInfographic: true },
      { externalId: 1, latestReachAt: 1, harvestError: 1 },
    ).lean();
    expect(posts.map((p) => p.externalId).sort()).toEqual([...due].sort());
    const unread = posts.filter((p) => p.latestReachAt === null).map((p) => p.externalId);
    const errors = posts
      .filter((p) => p.harvestError !== null)
      .map((p) => `${p.externalId}: ${p.harvestError?.class}`);
    expect({ unread: unread.length, errors: errors.slice(0, 3) }).toEqual({
      unread: 0,
      errors: [],
    });
    expect(await c.models.ReachSnapshot.countDocuments({})).toBe(100);
  });
});
