/**
 * Crashes (issue 10, 1), the short run: a harvest of 500 simulated posts by a collector process
 * killed with SIGKILL 3 times at random moments (restarted each time), and by two collectors of
 * which one is killed 3 times at random; against an undisturbed run. Every post ends with exactly one
 * snapshot of the cycle. The long run (10,000 posts, 20 kills) is test/faults/crash.soak.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/services';
import { facebookWorld, say, type World } from './harness';
import { expectEachPostOnce, runCrashScenario, type CrashRun } from './crashScenario';

const db = useTestDatabase();
const SIZE = 500;
const seed = Number(process.env.FAULT_SEED ?? Date.now() % 1_000_000);

describe(`kill -9 during a harvest of ${SIZE} posts`, () => {
  let world: World;
  const runs: CrashRun[] = [];

  beforeAll(async () => {
    world = await facebookWorld(db, SIZE);
    say(`world: ${SIZE} posts discovered in ${world.discoverySeconds.toFixed(1)} s`);
  }, 300_000);
  afterAll(async () => {
    await world?.close();
    for (const r of runs)
      say(
        `| ${r.name} | ${r.collectors} | ${r.kills} (${r.killsDuringWork} during work) | ${r.seconds.toFixed(1)} s | ${r.census.lost} | ${r.census.duplicated} |`,
      );
  });

  it('an undisturbed cycle harvests every post once', async () => {
    const run = await runCrashScenario(db, world, {
      name: 'calm',
      collectors: 1,
      kills: 0,
      seed,
      delayMs: [0, 0],
      timeoutMs: 300_000,
    });
    runs.push(run);
    expectEachPostOnce(run, SIZE);
  }, 400_000);

  it('one collector killed 3 times: nothing lost, nothing doubled', async () => {
    const run = await runCrashScenario(db, world, {
      name: 'kill1',
      collectors: 1,
      kills: 3,
      seed,
      delayMs: [300, 2_000],
      timeoutMs: 600_000,
    });
    runs.push(run);
    expect(run.killsDuringWork).toBeGreaterThan(0);
    expectEachPostOnce(run, SIZE);
  }, 700_000);

  it('two collectors, one of them killed 3 times: nothing lost, nothing doubled', async () => {
    const run = await runCrashScenario(db, world, {
      name: 'kill2',
      collectors: 2,
      kills: 3,
      seed: seed + 1,
      delayMs: [300, 2_000],
      timeoutMs: 600_000,
    });
    runs.push(run);
    expect(run.killsDuringWork).toBeGreaterThan(0);
    expectEachPostOnce(run, SIZE);
  }, 700_000);

  it('prints no secret in any of the runs above: platform tokens, the sealing key, the admin token', () => {
    const output = runs.map((r) => r.output).join('\n');
    const secrets = [
      ...world.c.sim.accounts.map((a) => a.token),
      world.c.tokenKey,
      world.c.sim.admin.token,
    ];
    say(`secret scan: ${secrets.length} secrets, ${output.length} characters of collector output`);
    expect(runs.length).toBeGreaterThan(0);
    expect(output).toContain('collector ready');
    for (const secret of secrets) expect(output.includes(secret)).toBe(false);
  });
});
