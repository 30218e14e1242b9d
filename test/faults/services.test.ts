/**
 * Services failing under a running collector (issue 10, 2), each on a Redis or an embedded store
 * of the test's own (the run's shared services never go down):
 * - Redis restarted in the middle of a harvest (append-only file, as compose runs it), once
 *   cleanly and once killed with SIGKILL: the collector stays up, logs the outage once and the
 *   recovery once, reports it in /healthz, and the cycle ends with one snapshot per post;
 * - the store stopped for 30 s in the middle of a harvest: the collector pauses and resumes by
 *   itself, logs the outage once (no line per job), and the cycle ends with one snapshot per post;
 * - the embedded store killed with SIGKILL during acknowledged writes: after a restart every
 *   acknowledged write is there and SQLite's integrity check passes on every file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { prefixOf, useTestDatabase } from '../helpers/services';
import {
  census,
  cloneDatabase,
  CollectorProcess,
  collectorEnv,
  CycleProbe,
  facebookWorld,
  say,
  sleep,
  waitFinished,
  type World,
} from './harness';
import { OwnFerretdb, OwnRedis } from './servers';

const db = useTestDatabase();
const SIZE = 300;

async function health(
  port: number,
): Promise<{ status: number; body: { redis?: { ok: boolean }; store?: { ok: boolean } } }> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as never };
}

/** /healthz until it answers 200 (the recovery is seen within seconds), at most `ms`. */
async function healthWithin(port: number, ms = 15_000): ReturnType<typeof health> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await health(port);
    if (answer.status === 200 || Date.now() > deadline) return answer;
    await sleep(500);
  }
}

function opsPortOf(c: CollectorProcess): number {
  const ready = c.lines(/^collector ready$/).at(-1);
  const port = Number(ready?.opsPort);
  if (!Number.isInteger(port) || port <= 0) throw new Error('no opsPort in the ready line');
  return port;
}

/** Waits until the first snapshots of the cycle are stored (the harvest is under way). */
async function untilHarvesting(
  models: { ReachSnapshot: mongoose.Model<never> },
  logs?: () => unknown,
): Promise<number> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const n = await models.ReachSnapshot.estimatedDocumentCount();
    if (n > 0) return n;
    if (Date.now() > deadline)
      throw new Error(`the harvest did not start within 120 s: ${JSON.stringify(logs?.())}`);
    await sleep(50);
  }
}

describe('services failing during a harvest', () => {
  let world: World;

  beforeAll(async () => {
    world = await facebookWorld(db, SIZE);
    // Slower platform answers, so that the outage lands in the middle of the cycle.
    await world.c.admin.setFaults({ latencyMs: 400 });
  }, 300_000);
  afterAll(async () => {
    await world?.close();
  });

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`Redis ${signal === 'SIGTERM' ? 'restarted' : 'killed and restarted'} mid-harvest: nothing lost or doubled`, async () => {
      const redis = await OwnRedis.create();
      await redis.start();
      const name = `${db.dbName.slice(0, 40)}_redis_${signal}`;
      const clone = await cloneDatabase(db, name);
      const prefix = prefixOf(`${name}_q`);
      const collector = new CollectorProcess(
        `redis ${signal}`,
        collectorEnv(world, clone.uri, redis.url, prefix),
      );
      const probe = new CycleProbe(redis.url, prefix);
      try {
        const t0 = performance.now();
        await collector.start();
        const before = await untilHarvesting(clone.models as never, () => collector.logs);
        await redis.stop(signal);
        await sleep(4_000);
        const during = await health(opsPortOf(collector));
        await redis.start();
        await waitFinished(probe, 300_000, `redis ${signal}`);
        const seconds = (performance.now() - t0) / 1000;
        const after = await healthWithin(opsPortOf(collector));
        const result = await census(clone.models);
        const down = collector.lines(/^Redis unreachable/).length;
        const up = collector.lines(/^Redis reachable again/).length;
        // Nothing else about the outage: no line per worker, job or tick.
        const errorLines = collector.logs.filter(
          (l) => l.level === 'error' || Number(l.level) >= 50,
        );
        say(
          `Redis ${signal}: outage after ${before} snapshots, cycle ${seconds.toFixed(1)} s, ` +
            `health during ${during.status}, after ${after.status}; outage logged ${down}x, ` +
            `recovery ${up}x; lost ${result.lost}, duplicated ${result.duplicated}`,
        );
        expect(collector.running).toBe(true);
        expect(during.status).toBe(503);
        expect(during.body.redis?.ok).toBe(false);
        expect(after.status).toBe(200);
        expect({ down, up }).toEqual({ down: 1, up: 1 });
        expect(errorLines.map((l) => l.msg)).toEqual([
          'Redis unreachable: the collector waits and reconnects by itself',
        ]);
        expect(result).toMatchObject({ posts: SIZE, snapshots: SIZE, lost: 0, duplicated: 0 });
        expect(result.mismatched).toBe(0);
      } finally {
        await collector.kill9();
        await probe.close();
        await clone.drop();
        await redis.remove();
      }
    }, 400_000);
  }

  it('the store stopped for 30 s mid-harvest: the collector pauses, resumes, logs it once', async () => {
    const store = await OwnFerretdb.create();
    await store.start();
    const name = `${db.dbName.slice(0, 40)}_store`;
    const clone = await cloneDatabase(db, name, `mongodb://127.0.0.1:${store.port}/`);
    const prefix = prefixOf(`${name}_q`);
    const collector = new CollectorProcess(
      'store outage',
      collectorEnv(world, clone.uri, db.redisUrl, prefix),
    );
    const probe = new CycleProbe(db.redisUrl, prefix);
    try {
      const t0 = performance.now();
      await collector.start();
      const before = await untilHarvesting(clone.models as never, () => collector.logs);
      await store.stop('SIGTERM');
      await sleep(15_000);
      const during = await health(opsPortOf(collector));
      await sleep(15_000);
      await store.start();
      try {
        await waitFinished(probe, 180_000, 'store outage');
      } catch (err) {
        say(`store outage log: ${JSON.stringify(collector.logs.slice(-40))}`);
        throw err;
      }
      const seconds = (performance.now() - t0) / 1000;
      const after = await healthWithin(opsPortOf(collector));
      const result = await census(clone.models);
      const down = collector.lines(/^store unreachable/).length;
      const up = collector.lines(/^store reachable again/).length;
      const jobFailures = collector.lines(/^job failed$/).length;
      if (jobFailures > 0) say(`job failures: ${JSON.stringify(collector.lines(/^job failed$/))}`);
      const tickFailures = collector.lines(/tick failed$/).length;
      const errorLines = collector.logs.filter((l) => l.level === 'error' || Number(l.level) >= 50);
      say(
        `store stopped 30 s: outage after ${before} snapshots, cycle ${seconds.toFixed(1)} s, ` +
          `health during ${during.status}, after ${after.status}; outage logged ${down}x, ` +
          `recovery ${up}x, job failures logged ${jobFailures}, tick failures ${tickFailures}; ` +
          `lost ${result.lost}, duplicated ${result.duplicated}`,
      );
      expect(collector.running).toBe(true);
      expect(during.status).toBe(503);
      expect(during.body.store?.ok).toBe(false);
      expect(after.status).toBe(200);
      expect({ down, up, jobFailures, tickFailures }).toEqual({
        down: 1,
        up: 1,
        jobFailures: 0,
        tickFailures: 0,
      });
      expect(errorLines.map((l) => l.msg)).toEqual([
        'store unreachable: harvesting paused until it answers again',
      ]);
      expect(result).toMatchObject({ posts: SIZE, snapshots: SIZE, lost: 0, duplicated: 0 });
      expect(result.mismatched).toBe(0);
    } finally {
      await collector.kill9();
      await probe.close();
      await clone.drop();
      await store.remove();
    }
  }, 400_000);

  it('the embedded store killed with SIGKILL during writes keeps every acknowledged write', async () => {
    const store = await OwnFerretdb.create();
    await store.start();
    const uri = store.uri('crashwrites');
    const conn = await mongoose
      .createConnection(uri, { serverSelectionTimeoutMS: 5_000, maxPoolSize: 8 })
      .asPromise();
    const coll = conn.db!.collection<{ _id: string; writer: number; n: number; pad: string }>(
      'acked',
    );
    const acknowledged: string[] = [];
    let refused = 0;
    let stop = false;
    const writers = Array.from({ length: 4 }, async (_, writer) => {
      for (let n = 0; !stop; n++) {
        const _id = `w${writer}-${n}`;
        try {
          await coll.insertOne({ _id, writer, n, pad: 'x'.repeat(200) });
          acknowledged.push(_id);
        } catch {
          refused += 1;
          return; // the store is gone: this writer stops
        }
      }
    });
    try {
      await sleep(3_000);
      await store.stop('SIGKILL');
      stop = true;
      await Promise.all(writers);
      await conn.close(true);
      await store.start();
      const again = await mongoose
        .createConnection(uri, { serverSelectionTimeoutMS: 10_000 })
        .asPromise();
      const stored = new Set(
        (
          await again
            .db!.collection('acked')
            .find({}, { projection: { _id: 1 } })
            .toArray()
        ).map((d) => String(d._id)),
      );
      await again.close();
      await store.stop('SIGTERM');
      const integrity = await store.integrityCheck();
      const missing = acknowledged.filter((id) => !stored.has(id));
      say(
        `store SIGKILL during writes: ${acknowledged.length} acknowledged, ${stored.size} stored, ` +
          `${missing.length} missing, ${refused} refused at the kill; integrity ${JSON.stringify(integrity)}`,
      );
      expect(acknowledged.length).toBeGreaterThan(100);
      expect(missing).toEqual([]);
      expect(Object.keys(integrity).length).toBeGreaterThan(0);
      for (const verdict of Object.values(integrity)) expect(verdict).toBe('ok');
    } finally {
      stop = true;
      await store.remove();
    }
  }, 120_000);
});
