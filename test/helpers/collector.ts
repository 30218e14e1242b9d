/**
 * An in-process collector (the real pipeline: connectors over HTTP, BullMQ on the test Redis, the
 * test store) against a started simulator, on a clock the test steps. Accounts are added the way
 * `accounts add` adds them: token sealed with a throw-away key.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createModels, ensureIndexes, type ReachlineModels } from '@reachline/shared/models';
import {
  SimAdminClient,
  startSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from '@reachline/platform-sim';
import { addAccount } from '../../apps/collector/src/accounts';
import { ManualClock } from '../../apps/collector/src/clock';
import { createLogger, type Logger } from '../../apps/collector/src/log';
import { createRuntime, type Runtime } from '../../apps/collector/src/pipeline/runtime';
import type { TestDatabase } from './services';

export interface TestCollector {
  sim: RunningSimulator;
  admin: SimAdminClient;
  models: ReachlineModels;
  clock: ManualClock;
  runtime: Runtime;
  redis: Redis;
  /** The key the accounts' tokens are sealed with (for a second runtime). */
  tokenKey: string;
  /** Sets the simulator's and the collector's clocks to `at`. */
  setTime(at: Date): Promise<void>;
  /** Discovery of every account, drained (no harvest). */
  discover(): Promise<void>;
  /** Harvest ticks until nothing is due, each drained. */
  harvest(): Promise<void>;
  /** discover() then harvest(). */
  step(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestCollector(
  db: TestDatabase,
  opts: {
    sim?: SimulatorOptions;
    start: Date;
    concurrency?: number;
    prefix?: string;
    /** The connectors' HTTP timeout (default: the collector's own, 15 s). */
    requestTimeoutMs?: number;
    /** Default: errors only (TEST_COLLECTOR_LOG=warn shows warnings). */
    log?: Logger;
  },
): Promise<TestCollector> {
  const sim = await startSimulator({
    ...opts.sim,
    clock: { mode: 'fixed', at: opts.start.toISOString() },
    faults: { batchNullRate: 0, ...opts.sim?.faults },
  });
  const admin = new SimAdminClient(sim.url, sim.admin.token);
  const models = createModels(db.connection);
  await ensureIndexes(models);
  const tokenKey = randomBytes(32).toString('hex');
  for (const a of sim.accounts) {
    await addAccount(models, tokenKey, {
      platform: a.platform,
      externalId: a.accountId,
      displayName: a.name,
      token: a.token,
    });
  }
  const redis = new Redis(db.redisUrl, { maxRetriesPerRequest: null });
  const clock = new ManualClock(opts.start);
  const runtime = await createRuntime({
    models,
    redis,
    bullConnection: redis,
    prefix: opts.prefix ?? db.prefix,
    clock,
    apiBases: sim.baseUrls,
    tokenKey,
    log:
      opts.log ??
      createLogger(process.env.TEST_COLLECTOR_LOG === 'warn' ? 'warn' : 'error', {
        service: 'collector-test',
      }),
    concurrency: opts.concurrency ?? 4,
    ...(opts.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: opts.requestTimeoutMs }),
  });
  const discover = async () => {
    await runtime.pipeline.tickDiscovery();
    await runtime.pipeline.drain();
  };
  const harvest = async () => {
    for (;;) {
      const { claimed } = await runtime.pipeline.tickHarvest();
      await runtime.pipeline.drain();
      if (claimed === 0) break;
    }
  };
  return {
    sim,
    admin,
    models,
    clock,
    runtime,
    redis,
    tokenKey,
    discover,
    harvest,
    async setTime(at) {
      await admin.setClock({ mode: 'fixed', at: at.toISOString() });
      clock.set(at);
    },
    async step() {
      await discover();
      await harvest();
    },
    async close() {
      await runtime.close();
      redis.disconnect();
      await sim.close();
    },
  };
}
