/**
 * The collector process: connections, indexes, the pipeline (queues and workers), the schedule
 * restored from the store, node-cron ticks for discovery and harvests, and the ops server
 * (/healthz, /metrics). `stop()` finishes or hands back the jobs in hand, then closes everything.
 */
import { type LoadedConfig, serviceHostOf as hostOf } from '@reachline/shared/config';
import { createModels, ensureIndexes } from '@reachline/shared/models';
import cron from 'node-cron';
import { FollowedClock, systemClock, type Clock, type SimClockState } from './clock';
import { connectRedis, connectStore } from './connect';
import type { Logger } from './log';
import { restoreScheduleFromStore } from './pipeline/harvestSchedule';
import { HARVEST_QUEUE, DISCOVERY_QUEUE } from './pipeline/pipeline';
import { createRuntime, type Runtime } from './pipeline/runtime';
import { startOpsServer, type HealthState } from './ops/server';
import { isStoreUnavailable, StoreWatch } from './pipeline/storeWatch';

export { HARVEST_QUEUE, DISCOVERY_QUEUE };

export type CollectorConfig = LoadedConfig<'MONGODB_URI' | 'REDIS_URL' | 'TOKEN_ENCRYPTION_KEY'>;

export interface RunningCollector {
  runtime: Runtime;
  opsPort: number;
  stop(): Promise<void>;
}

/** The clock the configuration asks for: the system's, or a simulator's (demo). */
async function clockOf(config: CollectorConfig): Promise<{ clock: Clock; stop(): void }> {
  if (config.COLLECTOR_CLOCK === 'system') return { clock: systemClock, stop: () => undefined };
  const url = `${config.COLLECTOR_CLOCK.replace(/\/+$/, '')}/clock`;
  const followed = new FollowedClock(async () => {
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${config.SIM_ADMIN_TOKEN ?? ''}` },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`the simulator's clock answered HTTP ${res.status}`);
    return (await res.json()) as SimClockState;
  });
  await followed.start();
  return { clock: followed, stop: () => followed.stop() };
}

export async function startCollector(
  config: CollectorConfig,
  log: Logger,
): Promise<RunningCollector> {
  const store = await connectStore(config.MONGODB_URI);
  const opened: { close(): Promise<void> | void }[] = [{ close: () => store.close() }];
  const closeOpened = async () => {
    for (const o of opened.reverse()) await o.close();
  };
  try {
    // While Redis is unreachable the ticks skip (the outage is logged once, not once a tick).
    let redisDown = false;
    const redis = await connectRedis(config.REDIS_URL, 5_000, {
      down: (reason) => {
        redisDown = true;
        log.error('Redis unreachable: the collector waits and reconnects by itself', {
          redis: hostOf(config.REDIS_URL),
          reason,
        });
      },
      up: () => {
        redisDown = false;
        log.info('Redis reachable again', { redis: hostOf(config.REDIS_URL) });
      },
    });
    opened.push({ close: () => redis.disconnect() });
    const models = createModels(store);
    await ensureIndexes(models);
    const clock = await clockOf(config);
    opened.push({ close: () => clock.stop() });
    const runtime = await createRuntime({
      models,
      redis,
      bullConnection: redis,
      prefix: config.QUEUE_PREFIX,
      clock: clock.clock,
      apiBases: config,
      tokenKey: config.TOKEN_ENCRYPTION_KEY,
      log,
      concurrency: config.COLLECTOR_CONCURRENCY,
    });
    opened.push({ close: () => runtime.close() });
    const { ctx, pipeline } = runtime;

    // A store outage once running: logged once, work paused, ticks skipped; and the recovery.
    const storeWatch = new StoreWatch(store, {
      down: (reason) => {
        log.error('store unreachable: harvesting paused until it answers again', {
          mongo: hostOf(config.MONGODB_URI),
          reason,
        });
        void pipeline.setWorkPaused(true);
      },
      up: (downForMs) => {
        log.info('store reachable again: harvesting resumed', {
          mongo: hostOf(config.MONGODB_URI),
          downForSeconds: Math.round(downForMs / 1000),
        });
        void pipeline.setWorkPaused(false);
      },
    });
    opened.push({ close: () => storeWatch.stop() });

    const restored = await restoreScheduleFromStore(
      redis,
      ctx.schedule,
      models.Post.find(
        { nextHarvestAt: { $ne: null } },
        { accountId: 1, externalId: 1, nextHarvestAt: 1 },
      )
        .lean()
        .cursor(),
    );

    const health: HealthState = {
      lastTickAt: null,
      maxTickAgeMs: 10 * 60_000,
      startedAt: Date.now(),
    };
    const ops = await startOpsServer(ctx, pipeline, health, config.COLLECTOR_HTTP_PORT);
    opened.push({ close: () => new Promise<void>((r) => ops.server.close(() => r())) });

    // A tick already running is not started again (node-cron's noOverlap), and a failed tick is
    // logged once and retried at the next one.
    const harvestTask = cron.schedule(
      config.HARVEST_TICK_CRON,
      async () => {
        if (storeWatch.down || redisDown) return;
        try {
          const r = await pipeline.tickHarvest();
          health.lastTickAt = Date.now();
          if (r.claimed > 0) log.info('harvest tick', { ...r });
          await runtime.monthEnd.check();
        } catch (err) {
          // A store outage is logged once by the watch, not by every tick that meets it.
          if (!isStoreUnavailable(err))
            log.error('harvest tick failed', { error: (err as Error).message });
        }
      },
      { noOverlap: true, name: 'harvest-tick' },
    );
    const discoveryTask = cron.schedule(
      config.DISCOVERY_CRON,
      async () => {
        if (storeWatch.down || redisDown) return;
        try {
          const accounts = await pipeline.tickDiscovery();
          log.info('discovery tick', { accounts });
        } catch (err) {
          if (!isStoreUnavailable(err))
            log.error('discovery tick failed', { error: (err as Error).message });
        }
      },
      { noOverlap: true, name: 'discovery-tick' },
    );
    opened.push({
      close: async () => {
        await harvestTask.stop();
        await discoveryTask.stop();
      },
    });
    // First discovery and harvest right away rather than at the first cron minute.
    await pipeline.tickDiscovery();
    await pipeline.tickHarvest();
    health.lastTickAt = Date.now();

    log.info('collector ready', {
      mongo: hostOf(config.MONGODB_URI),
      database: store.name,
      redis: hostOf(config.REDIS_URL),
      queues: [HARVEST_QUEUE, DISCOVERY_QUEUE],
      queuePrefix: config.QUEUE_PREFIX,
      opsPort: ops.port,
      clock: config.COLLECTOR_CLOCK === 'system' ? 'system' : 'simulator',
      restoredSchedule: restored,
    });
    return { runtime, opsPort: ops.port, stop: closeOpened };
  } catch (err) {
    await closeOpened();
    throw err;
  }
}
