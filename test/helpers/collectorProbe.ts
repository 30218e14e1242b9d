/**
 * What the collector tests under test/collector/ need beyond `startTestCollector`: a collector
 * whose warnings can be read back, a second runtime on the same Redis prefix and store (a second
 * collector process), the simulator's request log of one phase, the catalog as the expected
 * answer, and a drain that watches the harvest queue while it waits.
 */
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import mongoose, { type Connection } from 'mongoose';
import type { Platform } from '@reachline/shared';
import { createModels, type ReachlineModels } from '@reachline/shared/models';
import type {
  SimAdminClient,
  CatalogPost,
  RequestLogEntry,
  SimulatorOptions,
} from '@reachline/platform-sim';
import { createLogger } from '../../apps/collector/src/log';
import type { Pipeline } from '../../apps/collector/src/pipeline/pipeline';
import { createRuntime, type Runtime } from '../../apps/collector/src/pipeline/runtime';
import { startTestCollector, type TestCollector } from './collector';
import type { TestDatabase } from './services';

/** The simulator's request log entry, as the admin API returns it. */
export type SimRequest = RequestLogEntry;

/** One JSON log line of the collector. */
export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface ProbeCollector extends TestCollector {
  /** Warnings and errors the collector logged, oldest first. */
  logs: LogLine[];
}

/** `startTestCollector` with the collector's warnings kept in `logs`. */
export async function startProbeCollector(
  db: TestDatabase,
  opts: { sim?: SimulatorOptions; start: Date; concurrency?: number; prefix?: string },
): Promise<ProbeCollector> {
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') logs.push(JSON.parse(line) as LogLine);
      }
      done();
    },
  });
  const c = await startTestCollector(db, {
    ...opts,
    log: createLogger('warn', { service: 'collector-probe' }, sink),
  });
  return {
    ...c,
    logs,
    async close() {
      await c.close();
      sink.destroy();
    },
  };
}

export interface SecondRuntime {
  runtime: Runtime;
  models: ReachlineModels;
  close(): Promise<void>;
}

/**
 * A second collector process beside `c`: its own Redis clients, its own store connection and
 * models, its own connectors, the same Redis prefix, store, clock and token key.
 */
export async function startSecondRuntime(
  db: TestDatabase,
  c: ProbeCollector,
  prefix: string = db.prefix,
): Promise<SecondRuntime> {
  const connection: Connection = await mongoose
    .createConnection(db.mongoUri, { serverSelectionTimeoutMS: 10_000 })
    .asPromise();
  const models = createModels(connection);
  const redis = new Redis(db.redisUrl, { maxRetriesPerRequest: null });
  const bull = new Redis(db.redisUrl, { maxRetriesPerRequest: null });
  const runtime = await createRuntime({
    models,
    redis,
    bullConnection: bull,
    prefix,
    clock: c.clock,
    apiBases: c.sim.baseUrls,
    tokenKey: c.tokenKey,
    log: createLogger('error', { service: 'collector-probe-2' }),
    concurrency: 4,
  });
  return {
    runtime,
    models,
    async close() {
      await runtime.close();
      redis.disconnect();
      bull.disconnect();
      await connection.close();
    },
  };
}

/** The request log's last sequence number: read it before a phase, pass it to `requestsSince`. */
export async function lastSeq(admin: SimAdminClient): Promise<number> {
  return (await admin.requests({ limit: 1 })).lastSeq;
}

/** Every platform request the simulator served after `seq`. */
export async function requestsSince(admin: SimAdminClient, seq: number): Promise<SimRequest[]> {
  return (await admin.requests({ since: seq })).entries;
}

/**
 * The simulator's catalog of one platform: the posts an account shows at `at` (published by
 * then, not deleted).
 */
export async function catalogAt(
  admin: SimAdminClient,
  platform: Platform,
  at: Date,
): Promise<CatalogPost[]> {
  const { posts } = await admin.posts({ platform, limit: 200_000 });
  return posts.filter((p) => !p.deleted && Date.parse(p.publishedAt) <= at.getTime());
}

export interface WatchedDrain {
  /** Most harvest jobs seen delayed at once while waiting. */
  maxDelayed: number;
  /** Harvest jobs failed at the end. */
  failed: number;
}

/** `pipeline.drain()`, sampling the harvest queue's delayed and failed jobs as it waits. */
export async function drainWatching(
  pipeline: Pipeline,
  timeoutMs = 120_000,
): Promise<WatchedDrain> {
  const deadline = Date.now() + timeoutMs;
  let maxDelayed = 0;
  for (;;) {
    const counts = await pipeline.harvestQueue.getJobCounts('delayed');
    maxDelayed = Math.max(maxDelayed, counts.delayed ?? 0);
    if ((await pipeline.pending()) === 0) break;
    if (Date.now() > deadline) throw new Error(`queues not drained within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const { failed } = await pipeline.harvestQueue.getJobCounts('failed');
  return { maxDelayed, failed: failed ?? 0 };
}

/** Account ids the data sets below use (look-alikes of the real ones). */
export const ACCOUNT_IDS: Readonly<Record<Platform, string>> = {
  facebook: '104500000000001',
  instagram: '17841400000000001',
  x: '1392100000000000001',
  youtube: 'UCprobeChannel00000000001',
  tiktok: 'probe-open-id-0001',
  line: '1650000001',
};

/** Marker hashtags the simulator's infographics carry; the year's rule below matches them. */
const INFOGRAPHIC_TAGS = '#อินโฟกราฟิกกทม #กรุงเทพมหานคร';

export interface DatasetSpec {
  /** Posts per platform: `infographics` carry the office's hashtag, `ordinary` do not. */
  platforms: Partial<Record<Platform, { infographics: number; ordinary?: number }>>;
  /** Publication of the first post; the others follow every `spacingMs`. */
  from: Date;
  spacingMs: number;
}

/**
 * A data set for `startSimulator({dataset: {data}})`: one account per platform named, posts
 * spread evenly from `from` (each platform's own sequence), every title distinct, final reach
 * `1000 + index`.
 */
export function buildDataset(spec: DatasetSpec): { accounts: unknown[]; posts: unknown[] } {
  const accounts: unknown[] = [];
  const posts: unknown[] = [];
  for (const [platform, counts] of Object.entries(spec.platforms) as [
    Platform,
    { infographics: number; ordinary?: number },
  ][]) {
    accounts.push({ platform, id: ACCOUNT_IDS[platform], name: `Probe ${platform}` });
    const total = counts.infographics + (counts.ordinary ?? 0);
    for (let i = 0; i < total; i++) {
      const infographic = i < counts.infographics;
      const title = `${infographic ? 'อินโฟกราฟิก' : 'ประกาศ'} ${platform} เรื่องที่ ${i + 1}`;
      posts.push({
        platform,
        publishedAt: new Date(spec.from.getTime() + i * spec.spacingMs).toISOString(),
        text: infographic ? `${title}\n\n${INFOGRAPHIC_TAGS}` : `${title}\n\n#กรุงเทพมหานคร`,
        reach: 1000 + i,
      });
    }
  }
  return { accounts, posts };
}

/** The year's settings the data sets above need: the office's hashtag, LINE units by name. */
export async function setInfographicRule(
  models: ReachlineModels,
  fiscalYear: number,
): Promise<void> {
  await models.KpiSettings.create({
    fiscalYear,
    infographicRule: { hashtags: ['อินโฟกราฟิกกทม'], keywords: ['infographic_'] },
  });
}
