/**
 * The crash scenario of issue 10: a harvest cycle of the world's posts by real collector
 * processes, each killed with SIGKILL at random moments and restarted at once, then left to
 * finish. The census afterwards counts lost and duplicated snapshots; the cycle's time is
 * compared with an undisturbed run on a clone of the same world.
 */
import { expect } from 'vitest';
import { prefixOf, type TestDatabase } from '../helpers/services';
import {
  census,
  cloneDatabase,
  CollectorProcess,
  collectorEnv,
  CycleProbe,
  say,
  seededRandom,
  sleep,
  waitFinished,
  type Census,
  type World,
} from './harness';

export interface CrashRun {
  name: string;
  collectors: number;
  kills: number;
  /** Kills that hit while work was still due, in flight or queued. */
  killsDuringWork: number;
  seconds: number;
  failedJobs: number;
  /** Jobs BullMQ recovered from a dead process (logged by the collectors' workers). */
  census: Census;
  seed: number;
  /** Everything the collector processes printed (for the secret scan). */
  output: string;
}

export interface CrashOptions {
  name: string;
  collectors: number;
  kills: number;
  seed: number;
  /** Each kill comes this long after the previous start (uniform between the two, ms). */
  delayMs: [number, number];
  timeoutMs: number;
}

export async function runCrashScenario(
  db: TestDatabase,
  world: World,
  opts: CrashOptions,
): Promise<CrashRun> {
  const name = `${db.dbName.slice(0, 40)}_${opts.name}`;
  const clone = await cloneDatabase(db, name);
  const prefix = prefixOf(`${name}_q`);
  const probe = new CycleProbe(db.redisUrl, prefix);
  const env = collectorEnv(world, clone.uri, db.redisUrl, prefix);
  const procs = Array.from(
    { length: opts.collectors },
    (_, i) => new CollectorProcess(`${opts.name} #${i + 1}`, env),
  );
  const rand = seededRandom(opts.seed);
  try {
    const t0 = performance.now();
    await Promise.all(procs.map((p) => p.start()));
    let kills = 0;
    let killsDuringWork = 0;
    while (kills < opts.kills) {
      const [lo, hi] = opts.delayMs;
      await sleep(lo + rand() * (hi - lo));
      const victim = procs[Math.floor(rand() * procs.length)]!;
      const busy = !(await probe.finished());
      await victim.kill9();
      kills += 1;
      if (busy) killsDuringWork += 1;
      await victim.start();
    }
    await waitFinished(probe, opts.timeoutMs, opts.name);
    const seconds = (performance.now() - t0) / 1000;
    for (const p of procs) await p.stop();
    const { failed } = await probe.state();
    const run: CrashRun = {
      name: opts.name,
      collectors: opts.collectors,
      kills,
      killsDuringWork,
      seconds,
      failedJobs: failed,
      census: await census(clone.models),
      seed: opts.seed,
      output: procs.map((p) => p.raw).join('\n'),
    };
    say(
      `${run.name}: ${run.collectors} collector(s), ${run.kills} kills (${run.killsDuringWork} during work), ` +
        `${run.seconds.toFixed(1)} s, posts ${run.census.posts}, snapshots ${run.census.snapshots}, ` +
        `lost ${run.census.lost}, duplicated ${run.census.duplicated}, ` +
        `mismatched ${run.census.mismatched}, failed jobs ${run.failedJobs}, seed ${run.seed}`,
    );
    return run;
  } finally {
    for (const p of procs) await p.kill9();
    await probe.close();
    await clone.drop();
  }
}

/** What every crash run must end with: each of the `size` posts harvested exactly once. */
export function expectEachPostOnce(run: CrashRun, size: number): void {
  expect(run.census).toMatchObject({ posts: size, snapshots: size, lost: 0, duplicated: 0 });
  expect(run.census.mismatched).toBe(0);
  expect(run.failedJobs).toBe(0);
}
