/**
 * Crashes (issue 10, 1), the long run (`npm run test:soak`): a harvest of 10,000 simulated posts
 * by a collector process killed with SIGKILL 20 times at random moments and restarted each time;
 * then two collectors, one of them (at random) killed 20 times; against an undisturbed run on a
 * clone of the same discovered world. Every post ends with exactly one snapshot of the cycle.
 * FAULT_SEED repeats a run's kill moments; SOAK_POSTS changes the size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/services';
import { facebookWorld, say, type World } from './harness';
import { expectEachPostOnce, runCrashScenario, type CrashRun } from './crashScenario';

const db = useTestDatabase();
const SIZE = Number(process.env.SOAK_POSTS ?? 10_000);
const KILLS = 20;
const seed = Number(process.env.FAULT_SEED ?? Date.now() % 1_000_000);

describe(`kill -9, ${KILLS} times, during a harvest of ${SIZE} posts`, () => {
  let world: World;
  const runs: CrashRun[] = [];

  beforeAll(async () => {
    world = await facebookWorld(db, SIZE);
    say(`world: ${SIZE} posts discovered in ${world.discoverySeconds.toFixed(1)} s`);
  }, 3_600_000);
  afterAll(async () => {
    await world?.close();
    say('| run | collectors | kills (during work) | cycle | lost | duplicated | failed jobs |');
    for (const r of runs)
      say(
        `| ${r.name} | ${r.collectors} | ${r.kills} (${r.killsDuringWork}) | ${r.seconds.toFixed(1)} s | ${r.census.lost} | ${r.census.duplicated} | ${r.failedJobs} |`,
      );
  });

  it('an undisturbed cycle harvests every post once', async () => {
    const run = await runCrashScenario(db, world, {
      name: 'calm',
      collectors: 1,
      kills: 0,
      seed,
      delayMs: [0, 0],
      timeoutMs: 3_600_000,
    });
    runs.push(run);
    expectEachPostOnce(run, SIZE);
  }, 3_700_000);

  for (const collectors of [1, 2]) {
    it(`${collectors} collector(s), killed ${KILLS} times: nothing lost, nothing doubled`, async () => {
      const calm = runs.find((r) => r.name === 'calm');
      // Kills spread over about the undisturbed cycle's length.
      const spread = Math.max(2_000, ((calm?.seconds ?? 100) * 1000 * 2) / KILLS);
      const run = await runCrashScenario(db, world, {
        name: `kill${collectors}`,
        collectors,
        kills: KILLS,
        seed: seed + collectors,
        delayMs: [500, spread],
        timeoutMs: 3_600_000,
      });
      runs.push(run);
      expect(run.killsDuringWork).toBeGreaterThan(KILLS / 2);
      expectEachPostOnce(run, SIZE);
    }, 3_700_000);
  }
});
