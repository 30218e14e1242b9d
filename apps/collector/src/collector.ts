import { type LoadedConfig, serviceHostOf as hostOf } from '@reachline/shared/config';
import { createModels, ensureIndexes } from '@reachline/shared/models';
import { Queue } from 'bullmq';
import { connectRedis, connectStore } from './connect';
import type { Logger } from './log';

/** Name of the BullMQ queue that carries harvest batches (one job per account and batch). */
export const HARVEST_QUEUE = 'harvest';

export interface RunningCollector {
  stop(): Promise<void>;
}

export async function startCollector(
  config: LoadedConfig<'MONGODB_URI' | 'REDIS_URL'>,
  log: Logger,
): Promise<RunningCollector> {
  const store = await connectStore(config.MONGODB_URI);
  let redis;
  try {
    redis = await connectRedis(config.REDIS_URL);
  } catch (err) {
    await store.close();
    throw err;
  }
  const models = createModels(store);
  await ensureIndexes(models);
  const harvestQueue = new Queue(HARVEST_QUEUE, { connection: redis, prefix: config.QUEUE_PREFIX });
  await harvestQueue.waitUntilReady();

  log.info('collector ready', {
    mongo: hostOf(config.MONGODB_URI),
    database: store.name,
    redis: hostOf(config.REDIS_URL),
    queue: HARVEST_QUEUE,
    queuePrefix: config.QUEUE_PREFIX,
  });

  return {
    async stop() {
      await harvestQueue.close();
      redis.disconnect();
      await store.close();
    },
  };
}
