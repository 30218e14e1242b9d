/**
 * Load, the short run (issue 10, 6): 20 concurrent dashboard clients for 20 s while a collector
 * process harvests 300 posts into the same store. No request may fail; p95 per route printed.
 * The long run (50 clients, 60 s, 10,000 posts) is test/load/dashboard-load.soak.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/services';
import { facebookWorld, type World } from '../faults/harness';
import { runLoadScenario } from './loadScenario';

const db = useTestDatabase();
const SIZE = 300;

describe(`20 dashboard clients while ${SIZE} posts are harvested`, () => {
  let world: World;
  beforeAll(async () => {
    world = await facebookWorld(db, SIZE);
    // Slower platform answers, so that the harvest lasts as long as the load.
    await world.c.admin.setFaults({ latencyMs: 1_500 });
  }, 600_000);
  afterAll(async () => {
    await world?.close();
  });

  it('answers every request, and the harvest still stores one snapshot per post', async () => {
    const run = await runLoadScenario(db, world, { clients: 20, seconds: 20, fiscalYear: 2569 });
    for (const r of run.routes) {
      expect(r.requests, r.path).toBeGreaterThan(0);
      expect(r.failures, r.path).toEqual({});
    }
    expect(run.harvestedDuringLoad).toBeGreaterThan(0);
    expect(run.census).toMatchObject({ posts: SIZE, snapshots: SIZE, lost: 0, duplicated: 0 });
  }, 900_000);
});
