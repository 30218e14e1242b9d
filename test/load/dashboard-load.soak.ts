/**
 * Load, the long run (issue 10, 6; `npm run test:soak`): 50 concurrent dashboard clients for
 * 60 s, from a second process, while a collector process harvests 10,000 posts into the same
 * store. No request may fail; p50/p95/p99 per route and the server's peak RSS are printed.
 * SOAK_POSTS changes the size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/services';
import { facebookWorld, say, type World } from '../faults/harness';
import { runLoadScenario } from './loadScenario';

const db = useTestDatabase();
const SIZE = Number(process.env.SOAK_POSTS ?? 10_000);

describe(`50 dashboard clients for 60 s while ${SIZE} posts are harvested`, () => {
  let world: World;
  beforeAll(async () => {
    world = await facebookWorld(db, SIZE);
    say(`world: ${SIZE} posts discovered in ${world.discoverySeconds.toFixed(1)} s`);
  }, 3_600_000);
  afterAll(async () => {
    await world?.close();
  });

  it('answers every request, and the harvest still stores one snapshot per post', async () => {
    const run = await runLoadScenario(db, world, { clients: 50, seconds: 60, fiscalYear: 2569 });
    for (const r of run.routes) {
      expect(r.requests, r.path).toBeGreaterThan(0);
      expect(r.failures, r.path).toEqual({});
    }
    expect(run.harvestedDuringLoad).toBeGreaterThan(0);
    expect(run.census).toMatchObject({ posts: SIZE, snapshots: SIZE, lost: 0, duplicated: 0 });
  }, 3_600_000);
});
