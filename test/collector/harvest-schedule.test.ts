/**
 * The harvest schedule's leases on real Redis: a claim is leased briefly until its jobs are
 * enqueued, then for the jobs' lifetime, so a process killed between the claim and the enqueue
 * loses its posts for a minute only, and a finished post is never put back by a late extension.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLAIM_LEASE_MS,
  HARVEST_LEASE_MS,
  HarvestSchedule,
} from '../../apps/collector/src/pipeline/harvestSchedule';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();

describe('harvest schedule leases', () => {
  let redis: Redis;
  let wall = 1_000_000;
  let schedule: HarvestSchedule;
  const now = new Date('2026-01-10T00:00:00Z');
  const post = (n: number) => ({ accountId: 'a1', postId: `p${n}`, externalId: `x${n}` });

  beforeAll(() => {
    redis = new Redis(db.redisUrl, { maxRetriesPerRequest: null });
    schedule = new HarvestSchedule(redis, `${db.prefix}:lease`, () => wall);
  });
  afterAll(() => redis.disconnect());

  it('puts a claimed but never enqueued post back after the short lease', async () => {
    await schedule.set([{ ...post(1), at: now }]);
    const claimed = await schedule.claim(now, 10, CLAIM_LEASE_MS);
    expect(claimed.map((p) => p.postId)).toEqual(['p1']);
    expect(await schedule.dueCount(now)).toBe(0);
    wall += CLAIM_LEASE_MS - 1;
    expect(await schedule.reap(now)).toBe(0);
    wall += 2;
    expect(await schedule.reap(now)).toBe(1);
    expect(await schedule.dueCount(now)).toBe(1);
  });

  it('keeps an enqueued post in flight for the jobs lease', async () => {
    const claimed = await schedule.claim(now, 10, CLAIM_LEASE_MS);
    expect(claimed).toHaveLength(1);
    await schedule.extend(claimed);
    wall += CLAIM_LEASE_MS + 1;
    expect(await schedule.reap(now)).toBe(0);
    expect(await schedule.inFlight()).toBe(1);
    wall += HARVEST_LEASE_MS;
    expect(await schedule.reap(now)).toBe(1);
  });

  it('does not put back a post whose job finished before the extension', async () => {
    const claimed = await schedule.claim(now, 10, CLAIM_LEASE_MS);
    expect(claimed).toHaveLength(1);
    const next = new Date(now.getTime() + 3_600_000);
    await schedule.set([{ ...post(1), at: next }]); // the job finished: due again in an hour
    await schedule.extend(claimed);
    expect(await schedule.inFlight()).toBe(0);
    expect(await schedule.dueCount(now)).toBe(0);
    expect(await schedule.dueCount(next)).toBe(1);
  });
});
