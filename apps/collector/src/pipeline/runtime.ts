/**
 * Builds the collector's context and pipeline from its parts, for the collector process, the CLI
 * and the tests alike, so every one of them runs the same code.
 */
import type { Platform } from '@reachline/shared';
import type { ReachlineModels } from '@reachline/shared/models';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import { createConnectors, type ApiBaseConfig } from '../connectors/index';
import type { Logger } from '../log';
import type { CollectorContext } from './context';
import { Cooldowns } from './cooldowns';
import { HarvestSchedule } from './harvestSchedule';
import { MonthEnd } from './monthEnd';
import { Pipeline } from './pipeline';
import { YearSettingsCache, ensureDefaultProject } from '@reachline/shared/store';

export interface RuntimeOptions {
  models: ReachlineModels;
  /** For commands, locks and pub/sub. */
  redis: Redis;
  /** For BullMQ (maxRetriesPerRequest: null); may be the same client as `redis`. */
  bullConnection: Redis;
  prefix: string;
  clock: Clock;
  apiBases: ApiBaseConfig | Readonly<Record<Platform, string>>;
  tokenKey: string;
  log: Logger;
  concurrency: number;
  /** Run workers in this process (default true). */
  work?: boolean;
  requestTimeoutMs?: number;
}

export interface Runtime {
  ctx: CollectorContext;
  pipeline: Pipeline;
  /** The month-end drafts, checked after each harvest tick. */
  monthEnd: MonthEnd;
  close(): Promise<void>;
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  await ensureDefaultProject(options.models);
  const cooldowns = new Cooldowns(options.redis, options.prefix);
  const connectors = createConnectors(
    options.apiBases,
    (usage) => {
      cooldowns
        .record(usage)
        .catch((err: unknown) =>
          options.log.warn('could not record platform usage', { error: (err as Error).message }),
        );
    },
    options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs },
  );
  const ctx: CollectorContext = {
    models: options.models,
    redis: options.redis,
    prefix: options.prefix,
    clock: options.clock,
    connectors,
    tokenKey: options.tokenKey,
    log: options.log,
    schedule: new HarvestSchedule(options.redis, options.prefix),
    cooldowns,
    settings: new YearSettingsCache(options.models),
  };
  const pipeline = new Pipeline(ctx, {
    connection: options.bullConnection,
    concurrency: options.concurrency,
    work: options.work ?? true,
  });
  await pipeline.ready();
  return { ctx, pipeline, monthEnd: new MonthEnd(ctx, pipeline), close: () => pipeline.close() };
}
