/**
 * One full harvest cycle of the real collector pipeline (connectors over HTTP, BullMQ on Redis,
 * the store) against the platform simulator's `generated` data set, beside (a) a naive collector
 * that asks for each post's insights in its own HTTP request and inserts each snapshot on its own,
 * and (b) the store's raw insert speed for the same snapshot documents:
 *
 *   npx tsx bench/harvest.ts [--sizes 2000,10000] [--tick-sizes 10000,100000] [--concurrency 4]
 *                            [--max-minutes 10] [--profile] [--cpu-prof DIR] [--skip-naive]
 *
 * (`npm run bench -- harvest` runs it with the defaults, about 12 minutes on the 2-core machine.)
 * --sizes goes up to 100,000 (the simulator's largest data set), but on the 2-core machine a first
 * discovery of 100,000 posts alone outlasts --max-minutes; --tick-sizes measures the harvest tick
 * alone (claim, group, enqueue; no workers) at sizes the whole cycle cannot reach.
 *
 * Services: Redis and the store from @reachline/dev-services (`startServices`, local only; the
 * store is the embedded FerretDB with the project's patches unless MONGO_BACKEND says otherwise),
 * one fresh database and Redis prefix per size. The simulator runs in a child process of its own
 * (generated data set, N Facebook posts, clock fixed on 2027-01-02 so every post is published,
 * no batch null items, the Facebook BUC quota raised to 10^9 calls so throttling plays no part).
 * Only the Facebook page is connected, and the year's infographic rule is the hashtag every
 * generated post carries (#กรุงเทพมหานคร), so all N posts are discovered, founded into stories
 * and harvested.
 *
 * For each size, in this order, each part in a child process of its own (so its RSS is its own):
 *   1. discovery (timed separately, not part of the harvest figures);
 *   2. the harvest cycle, timed: harvest ticks, each drained, until a tick claims nothing;
 *   3. the naive collector: the same posts, `GET {post-id}/insights?metric=…` one by one with the
 *      same number in flight, each snapshot (same document as the collector's) inserted with
 *      insertOne into a fresh collection with the same indexes as reach_snapshots;
 *   4. the floor: the collector's own Facebook connector reads the same posts 50 to a call and
 *      each call's snapshots go in with one insertMany, with nothing else kept (no queue, post,
 *      chart, story, figures, run or event): what a harvest costs before it keeps anything;
 *   5. raw inserts: the collector's own snapshot documents read back, then insertMany of 50 at a
 *      time into a fresh collection with the same indexes, one call in flight and then
 *      --concurrency calls in flight.
 * HTTP calls come from the simulator's request log counts (cleared before each part); peak RSS is
 * process.memoryUsage.rss() sampled every 100 ms inside the child that does the work; CPU seconds
 * of the store, Redis and simulator processes come from /proc.
 *
 * --profile adds a breakdown of the harvest: time in store commands by command and collection
 * (driver command monitoring), in HTTP (connector readReach), waiting for and holding the per-year
 * lock, and in each harvest tick. Monitoring costs a little time, so the headline figures are best
 * taken without it. --cpu-prof DIR writes a V8 CPU profile of the harvest child into DIR.
 *
 * A part that is still running after --max-minutes stops where it is and reports what it did.
 * A measurement, not a test: the figures depend on what else the machine is doing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

import { isolatedDbUri, startServices } from '@reachline/dev-services';
import { SimAdminClient, startSimulator, type SimAccountInfo } from '@reachline/platform-sim';
import { EXTENDED_HARVEST_INTERVAL_MS, cadenceFor } from '@reachline/shared';
import {
  createModels,
  ensureIndexes,
  isFerretdb,
  periodFieldsOf,
  postObjectId,
  snapshotBucket,
  snapshotId,
  trimRawPayload,
} from '@reachline/shared/models';
import axios from 'axios';
import { Redis } from 'ioredis';
import mongoose, { Types, type Connection } from 'mongoose';

import { addAccount } from '../apps/collector/src/accounts';
import { ManualClock } from '../apps/collector/src/clock';
import { connectStore as connectCollector } from '../apps/collector/src/connect';
import { createConnector, type ReachReading } from '../apps/collector/src/connectors';
import { readingOfInsights } from '../apps/collector/src/connectors/graph';
import { createLogger } from '../apps/collector/src/log';
import { createRuntime, type Runtime } from '../apps/collector/src/pipeline/runtime';
import { cpuSeconds } from './lib/procStat';

const SELF = import.meta.filename;
/** Every generated post is published by then (they span 2025-01-01 plus at most 730 days). */
const AT = new Date('2027-01-02T00:00:00Z');
const FIRST_POST = new Date('2025-01-01T00:00:00Z');
const RULE_HASHTAG = 'กรุงเทพมหานคร';
const FB_METRICS = ['post_total_media_view_unique', 'post_media_view'];
const PROGRESS_MS = 5_000;

// ---------------------------------------------------------------------------------------------
// Shared helpers

interface SimInfo {
  url: string;
  facebookBase: string;
  adminToken: string;
  facebook: SimAccountInfo;
  pid: number;
}

interface ChildConfig {
  size: number;
  mongoUri: string;
  redisUrl: string;
  prefix: string;
  tokenKey: string;
  concurrency: number;
  maxMs: number;
  profile: boolean;
  sim: SimInfo;
  /** Other processes whose CPU time is read from /proc: label → pid. */
  pids: Record<string, number>;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progress = (line: string) => process.stderr.write(`[bench/harvest] ${line}\n`);

function cpuSnapshot(pids: Record<string, number>): Record<string, number> {
  const self = process.cpuUsage();
  const out: Record<string, number> = { self: (self.user + self.system) / 1e6 };
  for (const [label, pid] of Object.entries(pids)) out[label] = cpuSeconds(pid);
  return out;
}

function cpuDelta(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.keys(a).map((k) => [k, Number(((b[k] ?? NaN) - (a[k] ?? NaN)).toFixed(1))]),
  );
}

/** Samples this process's RSS and heap every 100 ms: the peak and the median of the samples. */
class RssSampler {
  peak = 0;
  heapPeak = 0;
  private samples: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sample(): void {
    const m = process.memoryUsage();
    this.samples.push(m.rss);
    this.peak = Math.max(this.peak, m.rss);
    this.heapPeak = Math.max(this.heapPeak, m.heapUsed);
  }
  start(): void {
    this.samples = [];
    this.peak = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
  median(): number {
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? NaN;
  }
}

function emit(result: unknown): void {
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

async function connectStore(uri: string): Promise<Connection> {
  return mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
}

/**
 * The collector's own store connection (apps/collector/src/connect.ts); with command monitoring
 * the same options, since that function takes no others.
 */
async function connectCollectorStore(uri: string, monitorCommands: boolean): Promise<Connection> {
  if (!monitorCommands) return connectCollector(uri, 10_000);
  return mongoose
    .createConnection(uri, {
      serverSelectionTimeoutMS: 10_000,
      connectTimeoutMS: 10_000,
      autoIndex: false,
      autoCreate: true,
      monitorCommands: true,
    })
    .asPromise();
}

interface SnapshotLike {
  _id: string;
  [field: string]: unknown;
}

/** A fresh collection with the same indexes as reach_snapshots (dropped first if it exists). */
async function freshSnapshotCollection(conn: Connection, name: string) {
  const db = conn.db!;
  await db.dropCollection(name).catch(() => undefined);
  const coll = db.collection<SnapshotLike>(name);
  const indexes = await db.collection('reach_snapshots').indexes();
  for (const ix of indexes) {
    if (ix.name === '_id_') continue;
    await coll.createIndex(ix.key, { unique: ix.unique === true, name: ix.name! });
  }
  if (indexes.length <= 1) {
    // The collector's collection does not exist yet: the model's own indexes, as ensureIndexes
    // makes them (on FerretDB the unique ones only).
    await coll.createIndex({ postId: 1, bucket: 1 }, { unique: true });
    if (!(await isFerretdb(conn))) await coll.createIndex({ postId: 1, capturedAt: -1 });
  }
  return coll;
}

async function simCounts(admin: SimAdminClient): Promise<number> {
  const answer = await admin.requests({ limit: 1 });
  return Object.values(answer.counts).reduce<number>((a, b) => a + (b ?? 0), 0);
}

// ---------------------------------------------------------------------------------------------
// Child: the simulator

async function roleSim(size: number): Promise<void> {
  const sim = await startSimulator({
    dataset: 'generated',
    posts: size,
    clock: { mode: 'fixed', at: AT.toISOString() },
    faults: { batchNullRate: 0 },
    limits: { facebook: { callQuota: 1_000_000_000 } },
  });
  const facebook = sim.accounts.find((a) => a.platform === 'facebook');
  if (!facebook) throw new Error('the generated data set has no Facebook account');
  const info: SimInfo = {
    url: sim.url,
    facebookBase: sim.baseUrls.facebook,
    adminToken: sim.admin.token,
    facebook,
    pid: process.pid,
  };
  process.stdout.write(`READY ${JSON.stringify(info)}\n`);
  // The parent closes our stdin to stop us (or dies, which closes it too).
  process.stdin.resume();
  await new Promise<void>((resolve) => process.stdin.once('close', () => resolve()));
  await sim.close();
}

// ---------------------------------------------------------------------------------------------
// Children: the collector (discovery, then the harvest cycle in a fresh process)

interface Collector {
  conn: Connection;
  runtime: Runtime;
  redis: Redis;
  bull: Redis;
  admin: SimAdminClient;
  close(): Promise<void>;
}

async function startCollector(
  cfg: ChildConfig,
  monitorCommands: boolean,
  work = true,
): Promise<Collector> {
  const conn = await connectCollectorStore(cfg.mongoUri, monitorCommands);
  const models = createModels(conn);
  const redis = new Redis(cfg.redisUrl, { maxRetriesPerRequest: null });
  const bull = new Redis(cfg.redisUrl, { maxRetriesPerRequest: null });
  const runtime = await createRuntime({
    models,
    redis,
    bullConnection: bull,
    prefix: cfg.prefix,
    clock: new ManualClock(AT),
    apiBases: { ...emptyBases(), facebook: cfg.sim.facebookBase },
    tokenKey: cfg.tokenKey,
    log: createLogger('error', { service: 'bench-harvest' }),
    concurrency: cfg.concurrency,
    work,
  });
  return {
    conn,
    runtime,
    redis,
    bull,
    admin: new SimAdminClient(cfg.sim.url, cfg.sim.adminToken),
    async close() {
      await runtime.close();
      redis.disconnect();
      bull.disconnect();
      await conn.close();
    },
  };
}

/** Base URLs of the platforms that are not connected (never called). */
function emptyBases() {
  const none = 'http://127.0.0.1:9/none';
  return { facebook: none, instagram: none, x: none, youtube: none, tiktok: none, line: none };
}

/** Waits for the pipeline's queues to empty, printing progress; false when out of time. */
async function drainWithProgress(
  runtime: Runtime,
  deadline: number,
  report: () => Promise<string>,
): Promise<boolean> {
  let nextReport = Date.now() + PROGRESS_MS;
  while ((await runtime.pipeline.pending()) > 0) {
    if (Date.now() > deadline) return false;
    if (Date.now() >= nextReport) {
      progress(await report());
      nextReport += PROGRESS_MS;
    }
    await sleep(50);
  }
  return true;
}

async function roleDiscover(cfg: ChildConfig): Promise<void> {
  const conn = await connectStore(cfg.mongoUri);
  const models = createModels(conn);
  await ensureIndexes(models);
  // The year's rule for every fiscal year the posts fall in: a hashtag every post carries.
  const years = new Set<number>();
  for (let t = FIRST_POST.getTime(); t <= AT.getTime(); t += 10 * 24 * 3600 * 1000)
    years.add(periodFieldsOf(new Date(t)).fiscalYear);
  for (const fiscalYear of years) {
    await models.KpiSettings.create({
      fiscalYear,
      infographicRule: { hashtags: [RULE_HASHTAG], keywords: [] },
      countedPlatforms: ['facebook'],
    });
  }
  await addAccount(models, cfg.tokenKey, {
    platform: 'facebook',
    externalId: cfg.sim.facebook.accountId,
    displayName: cfg.sim.facebook.name,
    token: cfg.sim.facebook.token,
  });
  await conn.close();

  const c = await startCollector(cfg, false);
  await c.admin.clearRequests();
  const rss = new RssSampler();
  rss.start();
  const t0 = performance.now();
  await c.runtime.pipeline.tickDiscovery();
  const done = await drainWithProgress(
    c.runtime,
    Date.now() + cfg.maxMs,
    async () =>
      `discovery ${fmt(cfg.size)}: ${fmt(await c.runtime.ctx.schedule.size())} posts scheduled, ` +
      `${fmt((performance.now() - t0) / 1000, 0)} s`,
  );
  const seconds = (performance.now() - t0) / 1000;
  const peak = rss.stop();
  const scheduled = await c.runtime.ctx.schedule.size();
  const calls = await simCounts(c.admin);
  await c.close();
  emit({ done, seconds, scheduled, calls, peakRss: peak });
}

interface Tally {
  count: number;
  ms: number;
  statements: number;
}

function tally(map: Map<string, Tally>, key: string, ms: number, statements = 1): void {
  const t = map.get(key) ?? { count: 0, ms: 0, statements: 0 };
  t.count += 1;
  t.ms += ms;
  t.statements += statements;
  map.set(key, t);
}

/** Wraps the command client's SET NX / release of `…:lock:…` keys to time waiting and holding. */
function instrumentLocks(redis: Redis, locks: Map<string, Tally>): void {
  const firstTry = new Map<string, number>();
  const acquired = new Map<string, number>();
  const target = redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const set = target.set!.bind(redis);
  const evalScript = target.eval!.bind(redis);
  target.set = async (...args: unknown[]) => {
    const [key, token] = args as [string, string];
    const isLock = typeof key === 'string' && key.includes(':lock:') && args.includes('NX');
    if (isLock && !firstTry.has(token)) firstTry.set(token, performance.now());
    const answer = await set(...args);
    if (isLock) {
      tally(locks, 'tries', 0);
      if (answer === 'OK') {
        const now = performance.now();
        tally(locks, 'wait', now - firstTry.get(token)!);
        firstTry.delete(token);
        acquired.set(token, now);
      }
    }
    return answer;
  };
  target.eval = async (...args: unknown[]) => {
    const token = args[3];
    const answer = await evalScript(...args);
    if (typeof token === 'string' && acquired.has(token)) {
      tally(locks, 'held', performance.now() - acquired.get(token)!);
      acquired.delete(token);
    }
    return answer;
  };
}

async function roleHarvest(cfg: ChildConfig): Promise<void> {
  const c = await startCollector(cfg, cfg.profile);
  const { runtime } = c;
  const commands = new Map<string, Tally>();
  const locks = new Map<string, Tally>();
  const http = new Map<string, Tally>();
  const ticks: { claimed: number; jobs: number; ms: number }[] = [];
  if (cfg.profile) {
    const started = new Map<number, { key: string; statements: number }>();
    const client = c.conn.getClient();
    client.on('commandStarted', (e) => {
      const cmd = e.command as Record<string, unknown>;
      const coll = cmd[e.commandName];
      const list = (cmd.updates ?? cmd.documents ?? cmd.deletes) as unknown[] | undefined;
      started.set(e.requestId, {
        key: `${e.commandName} ${typeof coll === 'string' ? coll : ''}`.trim(),
        statements: Array.isArray(list) ? list.length : 1,
      });
    });
    const finish = (e: { requestId: number; duration: number }) => {
      const s = started.get(e.requestId);
      if (!s) return;
      started.delete(e.requestId);
      tally(commands, s.key, e.duration, s.statements);
    };
    client.on('commandSucceeded', finish);
    client.on('commandFailed', finish);
    instrumentLocks(c.redis, locks);
  }
  // Posts answered so far (for progress) and time in the connector (HTTP + parsing).
  let answered = 0;
  const fb = runtime.ctx.connectors.facebook;
  const readReach = fb.readReach.bind(fb);
  fb.readReach = async (account, ids) => {
    const t = performance.now();
    const result = await readReach(account, ids);
    tally(http, 'readReach', performance.now() - t, result.apiCalls);
    answered += result.readings.length;
    return result;
  };

  await c.admin.clearRequests();
  const due = await runtime.ctx.schedule.size();
  const rss = new RssSampler();
  const baseRss = process.memoryUsage.rss();
  rss.start();
  const cpu0 = cpuSnapshot(cfg.pids);
  const elu0 = performance.eventLoopUtilization();
  const deadline = Date.now() + cfg.maxMs;
  const t0 = performance.now();
  let done = true;
  for (;;) {
    const tt = performance.now();
    const tick = await runtime.pipeline.tickHarvest();
    ticks.push({ claimed: tick.claimed, jobs: tick.jobs, ms: performance.now() - tt });
    if (tick.claimed === 0) break;
    done = await drainWithProgress(runtime, deadline, () => {
      const s = (performance.now() - t0) / 1000;
      return Promise.resolve(
        `harvest ${fmt(cfg.size)}: ${fmt(answered)}/${fmt(due)} posts, ` +
          `${fmt(answered / s)} posts/s, rss ${mb(process.memoryUsage.rss())} MB`,
      );
    });
    if (!done) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = cpuDelta(cpu0, cpuSnapshot(cfg.pids));
  const peak = rss.stop();
  const calls = await simCounts(c.admin);
  const snapshots = await c.conn.db!.collection('reach_snapshots').estimatedDocumentCount();
  // What the process still holds once garbage is collected (the child runs with --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  const heapAfterGc = process.memoryUsage().heapUsed;
  let jobMs = 0;
  let jobs = 0;
  if (cfg.profile) {
    const runs = await runtime.ctx.models.HarvestRun.find({}, { durationMs: 1 }).lean();
    for (const r of runs) jobMs += r.durationMs ?? 0;
    jobs = runs.length;
  }
  await c.close();
  emit({
    done,
    due,
    answered,
    snapshots,
    seconds,
    calls,
    baseRss,
    peakRss: peak,
    medianRss: rss.median(),
    heapPeak: rss.heapPeak,
    heapUsed: process.memoryUsage().heapUsed,
    heapAfterGc,
    cpu,
    eventLoopUtilization: elu.utilization,
    ticks,
    profile: cfg.profile
      ? {
          jobs,
          jobMs,
          http: Object.fromEntries(http),
          locks: Object.fromEntries(locks),
          commands: Object.fromEntries(
            [...commands].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25),
          ),
        }
      : undefined,
  });
}

// ---------------------------------------------------------------------------------------------
// Child: one harvest tick alone at a size the whole cycle cannot reach here

/**
 * The harvest tick (claim the due posts, group them by account, enqueue jobs of 50) at `size`
 * posts due, with no workers: the schedule is filled with `size` entries of one Facebook account
 * (synthetic post ids; nothing is harvested), then ticks run until one claims nothing.
 */
async function roleTick(cfg: ChildConfig): Promise<void> {
  const conn = await connectStore(cfg.mongoUri);
  const models = createModels(conn);
  await ensureIndexes(models);
  const accountId = await addAccount(models, cfg.tokenKey, {
    platform: 'facebook',
    externalId: '900000000000001',
    displayName: 'tick-only page',
    token: 'EAAG-tick-only',
  });
  await conn.close();
  const c = await startCollector(cfg, false, false);
  const due = new Date(AT.getTime() - 1);
  for (let i = 0; i < cfg.size; i += 5_000) {
    await c.runtime.ctx.schedule.set(
      Array.from({ length: Math.min(5_000, cfg.size - i) }, (_, k) => {
        const externalId = `900000000000001_${String(i + k)}`;
        return {
          accountId: String(accountId),
          postId: String(postObjectId('facebook', externalId)),
          externalId,
          at: due,
        };
      }),
    );
  }
  const rss = new RssSampler();
  const baseRss = process.memoryUsage.rss();
  rss.start();
  const ticks: { claimed: number; jobs: number; ms: number }[] = [];
  for (;;) {
    const t = performance.now();
    const tick = await c.runtime.pipeline.tickHarvest();
    ticks.push({ claimed: tick.claimed, jobs: tick.jobs, ms: performance.now() - t });
    progress(
      `tick ${fmt(cfg.size)}: ${fmt(tick.claimed)} claimed → ${fmt(tick.jobs)} jobs in ` +
        `${fmt(performance.now() - t)} ms`,
    );
    if (tick.claimed === 0) break;
  }
  const peak = rss.stop();
  await c.runtime.pipeline.harvestQueue.obliterate({ force: true });
  await c.close();
  emit({ size: cfg.size, ticks, baseRss, peakRss: peak, heapPeak: rss.heapPeak });
}

// ---------------------------------------------------------------------------------------------
// Children that store snapshots without the pipeline: the naive collector and the floor

interface CatalogPost {
  id: string;
  publishedAt: Date;
}

/** The collector's snapshot document for a reading of `post` at AT (same `_id`, same fields). */
function snapshotDoc(post: CatalogPost, r: ReachReading, runId: Types.ObjectId): SnapshotLike {
  const postId = postObjectId('facebook', post.id);
  const interval =
    cadenceFor(AT.getTime() - post.publishedAt.getTime()) ?? EXTENDED_HARVEST_INTERVAL_MS;
  const bucket = snapshotBucket(AT, interval);
  return {
    _id: snapshotId(postId, bucket),
    postId,
    bucket,
    capturedAt: AT,
    reach: Math.round(r.reach!),
    metric: r.metric,
    metrics: r.metrics,
    rawPayload: trimRawPayload(r.raw),
    source: 'api',
    harvestRunId: runId,
    enteredBy: null,
  };
}

/**
 * Runs `--concurrency` workers over the simulator's Facebook posts and emits a NaiveResult: each
 * worker takes posts `take` at a time and `store`s them into a fresh collection with
 * reach_snapshots' indexes, returning how many it stored.
 */
async function runSnapshotPart(
  cfg: ChildConfig,
  label: string,
  take: number,
  store: (
    posts: CatalogPost[],
    coll: Awaited<ReturnType<typeof freshSnapshotCollection>>,
    runId: Types.ObjectId,
  ) => Promise<number>,
): Promise<void> {
  const admin = new SimAdminClient(cfg.sim.url, cfg.sim.adminToken);
  const catalog = await admin.posts({ platform: 'facebook', limit: 200_000 });
  const posts = catalog.posts.map((p) => ({ id: p.id, publishedAt: new Date(p.publishedAt) }));
  const conn = await connectStore(cfg.mongoUri);
  const coll = await freshSnapshotCollection(conn, `${label}_snapshots`);
  const runId = new Types.ObjectId();
  await admin.clearRequests();
  const rss = new RssSampler();
  const baseRss = process.memoryUsage.rss();
  rss.start();
  const cpu0 = cpuSnapshot(cfg.pids);
  const deadline = Date.now() + cfg.maxMs;
  let next = 0;
  let stored = 0;
  let failed = 0;
  const t0 = performance.now();
  const timer = setInterval(() => {
    const s = (performance.now() - t0) / 1000;
    progress(
      `${label} ${fmt(cfg.size)}: ${fmt(stored)}/${fmt(posts.length)} posts, ` +
        `${fmt(stored / s)} posts/s, rss ${mb(process.memoryUsage.rss())} MB`,
    );
  }, PROGRESS_MS);
  await Promise.all(
    Array.from({ length: cfg.concurrency }, async () => {
      while (next < posts.length && Date.now() < deadline) {
        const batch = posts.slice(next, next + take);
        next += batch.length;
        const n = await store(batch, coll, runId);
        stored += n;
        failed += batch.length - n;
      }
    }),
  );
  clearInterval(timer);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuDelta(cpu0, cpuSnapshot(cfg.pids));
  const peak = rss.stop();
  const calls = await simCounts(admin);
  await conn.close();
  emit({
    done: stored + failed === posts.length,
    posts: posts.length,
    stored,
    failed,
    seconds,
    calls,
    baseRss,
    peakRss: peak,
    cpu,
  });
}

/** The naive collector: one insights GET and one insertOne per post. */
async function roleNaive(cfg: ChildConfig): Promise<void> {
  const client = axios.create({
    baseURL: cfg.sim.facebookBase.replace(/\/+$/, ''),
    timeout: 15_000,
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    maxRedirects: 0,
    headers: { authorization: `Bearer ${cfg.sim.facebook.token}` },
  });
  await runSnapshotPart(cfg, 'naive', 1, async ([post], coll, runId) => {
    const res = await client.get<string>(
      `/${encodeURIComponent(post!.id)}/insights?metric=${FB_METRICS.join(',')}`,
    );
    if (res.status !== 200) return 0;
    const r = readingOfInsights('facebook', post!.id, JSON.parse(res.data), FB_METRICS[0]!);
    if (r.reach === null) return 0;
    await coll.insertOne(snapshotDoc(post!, r, runId));
    return 1;
  });
}

/**
 * The floor, a collector that keeps nothing but the snapshots: the collector's own Facebook
 * connector reads the posts 50 to a call (the Batch API, as the collector does), and each call's
 * snapshots go in with one insertMany of 50; no queue, no post, chart, story, figures, run or
 * event. The distance from here to raw inserts is the HTTP side; from the collector to here,
 * everything a harvest keeps.
 */
async function roleFloor(cfg: ChildConfig): Promise<void> {
  const connector = createConnector('facebook', { baseUrl: cfg.sim.facebookBase });
  const account = {
    platform: 'facebook' as const,
    externalId: cfg.sim.facebook.accountId,
    token: cfg.sim.facebook.token,
  };
  await runSnapshotPart(cfg, 'floor', 50, async (batch, coll, runId) => {
    const byId = new Map(batch.map((p) => [p.id, p]));
    const result = await connector.readReach(
      account,
      batch.map((p) => p.id),
      { now: AT },
    );
    const docs = [];
    for (const r of result.readings) {
      const post = byId.get(r.externalId);
      if (post && r.reach !== null) docs.push(snapshotDoc(post, r, runId));
    }
    if (docs.length > 0) await coll.insertMany(docs, { ordered: false });
    return docs.length;
  });
}

// ---------------------------------------------------------------------------------------------
// Child: raw inserts of the collector's own snapshot documents

async function roleRaw(cfg: ChildConfig): Promise<void> {
  const conn = await connectStore(cfg.mongoUri);
  const docs = await conn.db!.collection<SnapshotLike>('reach_snapshots').find({}).toArray();
  const out: Record<string, unknown> = { docs: docs.length };
  for (const inFlight of [1, cfg.concurrency]) {
    const coll = await freshSnapshotCollection(conn, `raw_snapshots_${inFlight}`);
    const cpu0 = cpuSnapshot(cfg.pids);
    const deadline = Date.now() + cfg.maxMs;
    let next = 0;
    let inserted = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < docs.length && Date.now() < deadline) {
          const batch = docs.slice(next, next + 50);
          next += 50;
          await coll.insertMany(batch, { ordered: false });
          inserted += batch.length;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    out[`inFlight${inFlight}`] = {
      inserted,
      seconds,
      cpu: cpuDelta(cpu0, cpuSnapshot(cfg.pids)),
    };
    progress(
      `raw ${fmt(cfg.size)}: ${fmt(inserted)} snapshots, insertMany of 50, ${inFlight} in flight: ` +
        `${fmt(inserted / seconds)} docs/s`,
    );
    await coll.drop();
  }
  await conn.close();
  emit(out);
}

// ---------------------------------------------------------------------------------------------
// The parent

function spawnChild(
  role: string,
  config: unknown,
  nodeArgs: string[] = [],
): { child: ChildProcess; lines: AsyncIterableIterator<string> } {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', SELF, '--role', role], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_HARVEST_CONFIG: JSON.stringify(config) },
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, lines };
}

async function runChild<T>(role: string, config: ChildConfig, nodeArgs: string[] = []): Promise<T> {
  const { child, lines } = spawnChild(role, config, nodeArgs);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let result: T | undefined;
  for await (const line of { [Symbol.asyncIterator]: () => lines }) {
    if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7)) as T;
    else if (line.trim() !== '') process.stderr.write(`  ${role}: ${line}\n`);
  }
  const code = await exited;
  if (result === undefined) throw new Error(`the ${role} child exited with ${String(code)}`);
  return result;
}

async function startSimChild(size: number): Promise<{ info: SimInfo; stop: () => Promise<void> }> {
  const { child, lines } = spawnChild('sim', { size });
  const first = await lines.next();
  if (first.done || !first.value.startsWith('READY '))
    throw new Error('the simulator child did not start');
  const info = JSON.parse(first.value.slice(6)) as SimInfo;
  return {
    info,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

interface DiscoverResult {
  done: boolean;
  seconds: number;
  scheduled: number;
  calls: number;
  peakRss: number;
}
interface HarvestResult {
  done: boolean;
  due: number;
  answered: number;
  snapshots: number;
  seconds: number;
  calls: number;
  baseRss: number;
  peakRss: number;
  medianRss: number;
  heapPeak: number;
  heapUsed: number;
  heapAfterGc: number;
  cpu: Record<string, number>;
  eventLoopUtilization: number;
  ticks: { claimed: number; jobs: number; ms: number }[];
  profile?: {
    jobs: number;
    jobMs: number;
    http: Record<string, Tally>;
    locks: Record<string, Tally>;
    commands: Record<string, Tally>;
  };
}
interface NaiveResult {
  done: boolean;
  posts: number;
  stored: number;
  failed: number;
  seconds: number;
  calls: number;
  baseRss: number;
  peakRss: number;
  cpu: Record<string, number>;
}
interface RawPart {
  inserted: number;
  seconds: number;
  cpu: Record<string, number>;
}
type RawResult = { docs: number } & Record<string, RawPart>;

interface TickResult {
  size: number;
  ticks: { claimed: number; jobs: number; ms: number }[];
  baseRss: number;
  peakRss: number;
  heapPeak: number;
}

function printTicks(ticks: TickResult[]): void {
  if (ticks.length === 0) return;
  console.log(
    '\nThe harvest tick alone (claim, group by account, enqueue jobs of 50; no workers), ' +
      'synthetic schedule entries of one account:\n',
  );
  console.log('| posts due | ticks (claimed → jobs, ms) | RSS start → peak MB | heap peak MB |');
  console.log('| ---: | --- | ---: | ---: |');
  for (const t of ticks) {
    const list = t.ticks
      .filter((k) => k.claimed > 0)
      .map((k) => `${fmt(k.claimed)} → ${fmt(k.jobs)}, ${fmt(k.ms)} ms`)
      .join('; ');
    console.log(
      `| ${fmt(t.size)} | ${list} | ${mb(t.baseRss)} → ${mb(t.peakRss)} | ${mb(t.heapPeak)} |`,
    );
  }
}

interface SizeResult {
  size: number;
  discover: DiscoverResult;
  harvest: HarvestResult;
  naive?: NaiveResult;
  /** The floor: batch reads and insertMany, nothing kept (same shape as the naive result). */
  floor?: NaiveResult;
  raw?: RawResult;
}

async function storeLabel(uri: string, kind: string): Promise<string> {
  if (kind === 'ferretdb') {
    // The embedded binary reports no version of its own; tools/ferretdb/go.mod pins it.
    const goMod = readFileSync(new URL('../tools/ferretdb/go.mod', import.meta.url), 'utf8');
    const version = /FerretDB\/FerretDB (v[\d.]+)/.exec(goMod)?.[1] ?? '?';
    const handler = process.env.MONGO_BACKEND === 'ferretdb-postgresql' ? 'PostgreSQL' : 'SQLite';
    return `embedded FerretDB ${version} with the project's patches (tools/ferretdb), ${handler} handler`;
  }
  const conn = await connectStore(uri);
  try {
    const info = (await conn.db!.admin().command({ buildInfo: 1 })) as { version?: string };
    return `${kind} (MongoDB ${info.version ?? '?'})`;
  } finally {
    await conn.close();
  }
}

function printTables(
  store: string,
  concurrency: number,
  results: SizeResult[],
  load: { start: number[]; end: number[] },
): void {
  const cpuCol = (cpu: Record<string, number>) =>
    ['self', 'store', 'redis', 'sim'].map((k) => fmt(cpu[k] ?? NaN, 1)).join(' / ');
  console.log(
    `\nStore: ${store}; ${concurrency} jobs / requests in flight; Node ${process.version}; ` +
      `${availableParallelism()} cores; load average (1/5/15 min) ${load.start.map((l) => l.toFixed(1)).join('/')} ` +
      `at the start, ${load.end.map((l) => l.toFixed(1)).join('/')} at the end; Facebook BUC quota raised to 10^9, ` +
      `no batch null items.\n`,
  );
  console.log(
    '| posts | part | posts done | seconds | posts/s | HTTP calls | calls/post | RSS start → peak MB | CPU s: worker / store / redis / sim |',
  );
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of results) {
    const d = r.discover;
    console.log(
      `| ${fmt(r.size)} | discovery (not timed below) | ${fmt(d.scheduled)} | ${fmt(d.seconds, 1)} | ` +
        `${fmt(d.scheduled / d.seconds)} | ${fmt(d.calls)} | ${fmt(d.calls / d.scheduled, 3)} | ` +
        `– → ${mb(d.peakRss)} | |`,
    );
    const h = r.harvest;
    console.log(
      `| ${fmt(r.size)} | **collector harvest cycle**${h.done ? '' : ' (stopped at the time limit)'} | ` +
        `${fmt(h.answered)} | ${fmt(h.seconds, 1)} | ${fmt(h.answered / h.seconds)} | ${fmt(h.calls)} | ` +
        `${(h.calls / h.answered).toFixed(4)} | ${mb(h.baseRss)} → ${mb(h.peakRss)} | ${cpuCol(h.cpu)} |`,
    );
    const n = r.naive;
    if (n)
      console.log(
        `| ${fmt(r.size)} | naive: 1 GET + 1 insertOne per post${n.done ? '' : ' (stopped at the time limit)'} | ` +
          `${fmt(n.stored)} | ${fmt(n.seconds, 1)} | ${fmt(n.stored / n.seconds)} | ${fmt(n.calls)} | ` +
          `${(n.calls / Math.max(1, n.stored)).toFixed(4)} | ${mb(n.baseRss)} → ${mb(n.peakRss)} | ${cpuCol(n.cpu)} |`,
      );
    const fl = r.floor;
    if (fl)
      console.log(
        `| ${fmt(r.size)} | floor: batch reads of 50 + insertMany, nothing kept${fl.done ? '' : ' (stopped at the time limit)'} | ` +
          `${fmt(fl.stored)} | ${fmt(fl.seconds, 1)} | ${fmt(fl.stored / fl.seconds)} | ${fmt(fl.calls)} | ` +
          `${(fl.calls / Math.max(1, fl.stored)).toFixed(4)} | ${mb(fl.baseRss)} → ${mb(fl.peakRss)} | ${cpuCol(fl.cpu)} |`,
      );
    const raw = r.raw;
    if (raw) {
      for (const [k, part] of Object.entries(raw)) {
        if (k === 'docs' || typeof part !== 'object') continue;
        console.log(
          `| ${fmt(r.size)} | raw insertMany of 50, ${k.replace('inFlight', '')} in flight | ` +
            `${fmt(part.inserted)} | ${fmt(part.seconds, 1)} | ${fmt(part.inserted / part.seconds)} | – | – | – | ` +
            `${cpuCol(part.cpu)} |`,
        );
      }
    }
  }
  console.log('\nAims:');
  for (const r of results) {
    const h = r.harvest;
    const rate = h.answered / h.seconds;
    const raw1 = r.raw?.inFlight1;
    const rawRate = raw1 ? raw1.inserted / raw1.seconds : NaN;
    console.log(
      `- ${fmt(r.size)} posts: calls/post ${(h.calls / h.answered).toFixed(4)} (aim 1/50 = 0.0200) ` +
        `${h.calls / h.answered <= 0.02 + 1e-9 ? 'met' : 'MISSED'}; throughput ${fmt(rate)} posts/s = ` +
        `${fmt((100 * rate) / rawRate, 1)} % of raw inserts (aim ≥ 80 %) ` +
        `${rate >= 0.8 * rawRate ? 'met' : 'MISSED'}; peak RSS ${mb(h.peakRss)} MB` +
        (r.naive
          ? `; vs naive: ${fmt(rate / (r.naive.stored / r.naive.seconds), 2)}× its speed`
          : '') +
        (r.floor
          ? `; the floor (nothing kept) ${fmt(r.floor.stored / r.floor.seconds)} posts/s = ` +
            `${fmt((100 * r.floor.stored) / r.floor.seconds / rawRate, 1)} % of raw inserts`
          : ''),
    );
  }
  if (results.length >= 2) {
    const a = results[0]!.harvest;
    const b = results[results.length - 1]!.harvest;
    const grow = b.peakRss / a.peakRss;
    console.log(
      `- memory: peak RSS ${mb(a.peakRss)} MB at ${fmt(results[0]!.size)} → ${mb(b.peakRss)} MB at ` +
        `${fmt(results[results.length - 1]!.size)} posts (${fmt(grow, 2)}×; aim: flat) ` +
        `${grow <= 1.2 ? 'met' : 'MISSED'}`,
    );
  }
  for (const r of results) {
    const h = r.harvest;
    console.log(
      `\nHarvest ${fmt(r.size)}: ticks ${h.ticks.map((t) => `${fmt(t.claimed)} claimed → ${fmt(t.jobs)} jobs in ${fmt(t.ms)} ms`).join('; ')}; ` +
        `collector event loop busy ${fmt(h.eventLoopUtilization * 100)} %; RSS median ${mb(h.medianRss)} MB; ` +
        `heap peak ${mb(h.heapPeak)} MB, at the end ${mb(h.heapUsed)} MB (${mb(h.heapAfterGc)} MB after a full GC); ` +
        `snapshots stored ${fmt(h.snapshots)}.`,
    );
    const p = h.profile;
    if (!p) continue;
    console.log(
      `Profile: ${fmt(p.jobs)} jobs, ${fmt(p.jobMs / 1000, 1)} job-seconds in all (jobs overlap: ` +
        `${fmt(p.jobMs / 1000 / h.seconds, 2)} in flight on average).`,
    );
    const line = (label: string, t: Tally | undefined, per = h.answered) =>
      t
        ? `| ${label} | ${fmt(t.count)} | ${fmt(t.statements)} | ${fmt(t.ms / 1000, 1)} | ${fmt(t.ms / t.count, 2)} | ${fmt((1000 * t.ms) / per, 0)} |`
        : '';
    console.log('\n| what | calls | statements | seconds (summed) | ms per call | µs per post |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    console.log(line('HTTP: connector readReach (batch calls)', p.http.readReach));
    console.log(line('per-year lock: waiting', p.locks.wait));
    console.log(line('per-year lock: held', p.locks.held));
    for (const [k, t] of Object.entries(p.commands)) console.log(line(`store: ${k}`, t));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      sizes: { type: 'string', default: '2000,10000' },
      concurrency: { type: 'string', default: '4' },
      'max-minutes': { type: 'string', default: '10' },
      profile: { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      'skip-naive': { type: 'boolean', default: false },
      'tick-sizes': { type: 'string', default: '10000,100000' },
    },
  });
  const role = values.role;
  if (role) {
    const config = JSON.parse(process.env.BENCH_HARVEST_CONFIG ?? '{}') as ChildConfig;
    if (role === 'sim') return roleSim(config.size);
    if (role === 'discover') return roleDiscover(config);
    if (role === 'harvest') return roleHarvest(config);
    if (role === 'naive') return roleNaive(config);
    if (role === 'floor') return roleFloor(config);
    if (role === 'raw') return roleRaw(config);
    if (role === 'tick') return roleTick(config);
    throw new Error(`unknown role ${role}`);
  }

  const sizes = values.sizes.split(',').map((s) => Number(s.trim()));
  const tickSizes = values['tick-sizes']
    .split(',')
    .filter((t) => t.trim() !== '')
    .map((t) => Number(t.trim()));
  const concurrency = Number(values.concurrency);
  const maxMs = Number(values['max-minutes']) * 60_000;
  if (sizes.some((s) => !Number.isInteger(s) || s < 10 || s > 100_000))
    throw new Error('--sizes: whole numbers of posts, 10..100000 each (the simulator’s range)');
  if (tickSizes.some((s) => !Number.isInteger(s) || s < 1))
    throw new Error('--tick-sizes: whole numbers of posts');
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error('--concurrency must be a positive whole number');
  if (!(maxMs > 0)) throw new Error('--max-minutes must be positive');

  const started = Date.now();
  const loadStart = loadavg();
  const services = await startServices({
    useEnv: false,
    env: { ...process.env, MONGO_BACKEND: process.env.MONGO_BACKEND ?? 'ferretdb' },
  });
  const results: SizeResult[] = [];
  const tickResults: TickResult[] = [];
  let store = services.mongoKind as string;
  try {
    store = await storeLabel(services.mongoUri, services.mongoKind);
    progress(`store: ${store}`);
    const [redisPid, storePid] = services.pids;
    const runTag = randomBytes(3).toString('hex');
    for (const size of sizes) {
      const sim = await startSimChild(size);
      const dbName = `bench_harvest_${runTag}_${size}`;
      const cfg: ChildConfig = {
        size,
        mongoUri: isolatedDbUri(services.mongoUri, dbName),
        redisUrl: services.redisUrl,
        prefix: dbName,
        tokenKey: randomBytes(32).toString('hex'),
        concurrency,
        maxMs,
        profile: values.profile,
        sim: sim.info,
        pids: {
          ...(storePid ? { store: storePid } : {}),
          ...(redisPid ? { redis: redisPid } : {}),
          sim: sim.info.pid,
        },
      };
      try {
        progress(`${fmt(size)} posts: discovery…`);
        const discover = await runChild<DiscoverResult>('discover', cfg);
        progress(
          `${fmt(size)} posts: discovered ${fmt(discover.scheduled)} in ${fmt(discover.seconds, 1)} s`,
        );
        if (!discover.done) {
          progress(`${fmt(size)} posts: discovery did not finish in time; size skipped`);
          continue;
        }
        progress(`${fmt(size)} posts: harvest cycle…`);
        const nodeArgs = [
          '--expose-gc',
          ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : []),
        ];
        const harvest = await runChild<HarvestResult>('harvest', cfg, nodeArgs);
        progress(
          `${fmt(size)} posts: harvested ${fmt(harvest.answered)} in ${fmt(harvest.seconds, 1)} s`,
        );
        const result: SizeResult = { size, discover, harvest };
        results.push(result);
        if (!values['skip-naive']) {
          progress(`${fmt(size)} posts: naive collector…`);
          result.naive = await runChild<NaiveResult>('naive', cfg);
        }
        progress(`${fmt(size)} posts: the floor (batch reads + insertMany, nothing else)…`);
        result.floor = await runChild<NaiveResult>('floor', cfg);
        progress(`${fmt(size)} posts: raw inserts…`);
        result.raw = await runChild<RawResult>('raw', cfg);
      } catch (err) {
        progress(`${fmt(size)} posts: ${(err as Error).message}; going on with what was measured`);
      } finally {
        await sim.stop();
        const conn = await connectStore(cfg.mongoUri);
        await conn.dropDatabase().catch(() => undefined);
        await conn.close();
      }
    }
    for (const size of tickSizes) {
      const dbName = `bench_harvest_${runTag}_tick${size}`;
      const cfg: ChildConfig = {
        size,
        mongoUri: isolatedDbUri(services.mongoUri, dbName),
        redisUrl: services.redisUrl,
        prefix: dbName,
        tokenKey: randomBytes(32).toString('hex'),
        concurrency,
        maxMs,
        profile: false,
        sim: {
          url: '',
          facebookBase: 'http://127.0.0.1:9/none',
          adminToken: '',
          pid: 0,
        } as SimInfo,
        pids: {},
      };
      progress(`tick alone at ${fmt(size)} posts due…`);
      try {
        tickResults.push(await runChild<TickResult>('tick', cfg));
      } catch (err) {
        progress(`tick alone at ${fmt(size)}: ${(err as Error).message}`);
      } finally {
        const conn = await connectStore(cfg.mongoUri);
        await conn.dropDatabase().catch(() => undefined);
        await conn.close();
      }
    }
  } finally {
    await services.stop();
  }
  printTables(store, concurrency, results, { start: loadStart, end: loadavg() });
  printTicks(tickResults);
  console.log(`\nTotal bench time ${fmt((Date.now() - started) / 1000)} s.`);
}

main().catch((err: unknown) => {
  console.error(`bench/harvest: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
