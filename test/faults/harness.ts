/**
 * What the fault tests share: a world of N simulated Facebook infographics discovered once into a
 * base database, cloned per scenario; the collector as a real child process (the same entry point
 * the container runs) that can be killed with SIGKILL; and the census that counts, per post, the
 * snapshots of the cycle (lost and duplicated must both be 0).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import mongoose, { type Connection } from 'mongoose';
import { isolatedDbUri, sanitizeDbName } from '@reachline/dev-services';
import { createModels } from '@reachline/shared/models';
import type { ReachlineModels } from '@reachline/shared/models';
import { HARVEST_QUEUE } from '../../apps/collector/src/pipeline/pipeline';
import { startTestCollector, type TestCollector } from '../helpers/collector';
import { buildDataset, setInfographicRule } from '../helpers/collectorProbe';
import type { TestDatabase } from '../helpers/services';

export const root = resolve(import.meta.dirname, '../..');

/** The collector's clock during the fault runs: every post of the world is due then. */
export const AT = new Date('2026-09-20T12:00:00+07:00');
/** The world's posts are spread over the 100 days before AT (all in fiscal year 2569). */
const FIRST_POST = new Date('2026-06-01T08:00:00+07:00');
const FISCAL_YEAR = 2569;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const say = (line: string) => process.stdout.write(`[faults] ${line}\n`);

export interface World {
  /** The in-process collector used for discovery (its runtime is closed; its simulator runs). */
  c: TestCollector;
  size: number;
  /** Seconds the first discovery took. */
  discoverySeconds: number;
  close(): Promise<void>;
}

/**
 * Starts the simulator with `size` Facebook infographics (quota raised so throttling plays no
 * part) and discovers them all into `db` with an in-process collector, which is then closed: the
 * posts are in the store, each due for its first harvest at AT.
 */
export async function facebookWorld(db: TestDatabase, size: number): Promise<World> {
  const c = await startTestCollector(db, {
    start: AT,
    concurrency: 4,
    sim: {
      dataset: {
        data: buildDataset({
          from: FIRST_POST,
          spacingMs: Math.floor((AT.getTime() - FIRST_POST.getTime() - 86_400_000) / size),
          platforms: { facebook: { infographics: size } },
        }),
      },
      limits: { facebook: { callQuota: 1_000_000_000 } },
    },
  });
  await setInfographicRule(c.models, FISCAL_YEAR);
  const t0 = performance.now();
  await c.runtime.pipeline.tickDiscovery();
  await c.runtime.pipeline.drain(30 * 60_000, 200);
  const discoverySeconds = (performance.now() - t0) / 1000;
  const posts = await c.models.Post.estimatedDocumentCount();
  if (posts !== size) throw new Error(`discovery found ${posts} posts, expected ${size}`);
  await c.runtime.close();
  c.redis.disconnect();
  return { c, size, discoverySeconds, close: () => c.sim.close() };
}

/**
 * Copies every collection of the world's database into the empty database `name` (same
 * indexes), on the same server or, with `serverUri` (a mongodb:// URI without a database), on
 * another one, so each scenario starts from the same discovered world.
 */
export async function cloneDatabase(
  db: TestDatabase,
  name: string,
  serverUri?: string,
): Promise<{ uri: string; conn: Connection; models: ReachlineModels; drop(): Promise<void> }> {
  const source = db.connection.db!;
  name = sanitizeDbName(name);
  const uri = isolatedDbUri(serverUri ?? db.mongoUri, name);
  const conn = serverUri
    ? await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise()
    : db.connection.useDb(name, { useCache: false });
  const target = conn.db!;
  for (const info of await source.listCollections({}, { nameOnly: true }).toArray()) {
    const docs = await source.collection(info.name).find({}).toArray();
    const coll = target.collection(info.name);
    if (docs.length > 0) {
      for (let i = 0; i < docs.length; i += 1000)
        await coll.insertMany(docs.slice(i, i + 1000), { ordered: false });
    } else {
      await target.createCollection(info.name);
    }
    for (const ix of await source.collection(info.name).indexes()) {
      if (ix.name === '_id_') continue;
      await coll.createIndex(ix.key, { unique: ix.unique === true, name: ix.name! });
    }
  }
  return {
    uri,
    conn,
    models: createModels(conn),
    drop: async () => {
      await target.dropDatabase().catch(() => undefined);
      if (serverUri) await conn.close();
    },
  };
}

export interface LogLine {
  level: string | number;
  msg: string;
  [field: string]: unknown;
}

/** The collector as a child process (`node --import tsx apps/collector/src/main.ts`). */
export class CollectorProcess {
  readonly logs: LogLine[] = [];
  stderr = '';
  /** Everything it printed, stdout and stderr, over all its starts (for the secret scan). */
  raw = '';
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(
    readonly label: string,
    private readonly env: Record<string, string>,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && !this.child.killed;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts it and resolves once it logged "collector ready" (or rejects when it exits first). */
  start(timeoutMs = 60_000): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/collector/src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((r) => child.once('exit', (code) => r(code)));
    let buffered = '';
    return new Promise<void>((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.label} not ready within ${timeoutMs} ms: ${this.stderr}`));
      }, timeoutMs);
      child.stdout.on('data', (d: Buffer) => {
        buffered += d.toString('utf8');
        this.raw += d.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim() === '') continue;
          try {
            const parsed = JSON.parse(line) as LogLine;
            this.logs.push(parsed);
            if (parsed.msg === 'collector ready') {
              clearTimeout(timer);
              resolvePromise();
            }
          } catch {
            this.logs.push({ level: 'error', msg: `unparsed: ${line}` });
          }
        }
      });
      child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.label} exited (${code ?? signal}) before ready: ${this.stderr}`));
      });
    });
  }

  /** SIGKILL, then waits for the exit. */
  async kill9(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (graceful: finishes or hands back the jobs in hand), then waits for the exit. */
  async stop(): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null)
      return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 60_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** Log lines whose message matches. */
  lines(pattern: RegExp): LogLine[] {
    return this.logs.filter((l) => pattern.test(l.msg));
  }
}

/** The environment of a collector process harvesting `world`'s simulator into `mongoUri`. */
export function collectorEnv(
  world: World,
  mongoUri: string,
  redisUrl: string,
  prefix: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const bases = world.c.sim.baseUrls;
  return {
    MONGODB_URI: mongoUri,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    TOKEN_ENCRYPTION_KEY: world.c.tokenKey,
    FACEBOOK_API_BASE: bases.facebook,
    INSTAGRAM_API_BASE: bases.instagram,
    X_API_BASE: bases.x,
    YOUTUBE_API_BASE: bases.youtube,
    TIKTOK_API_BASE: bases.tiktok,
    LINE_API_BASE: bases.line,
    COLLECTOR_CLOCK: `${world.c.sim.url}/_sim`,
    SIM_ADMIN_TOKEN: world.c.sim.admin.token,
    HARVEST_TICK_CRON: '* * * * * *',
    DISCOVERY_CRON: '0 0 1 1 *',
    COLLECTOR_HTTP_PORT: '0',
    COLLECTOR_CONCURRENCY: '4',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** Where a harvest cycle stands, read from Redis (the schedule and the harvest queue). */
export class CycleProbe {
  private readonly redis: Redis;
  private readonly queue: Queue;
  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.redis.on('error', () => undefined);
    this.queue = new Queue(HARVEST_QUEUE, { connection: this.redis, prefix });
    this.queue.on('error', () => undefined);
  }

  async state(): Promise<{ due: number; inFlight: number; queued: number; failed: number }> {
    const [due, inFlight] = await Promise.all([
      this.redis.zcount(`${this.prefix}:harvest:due`, '-inf', AT.getTime()),
      this.redis.zcard(`${this.prefix}:harvest:in-flight`),
    ]);
    const c = await this.queue.getJobCounts(
      'waiting',
      'active',
      'delayed',
      'prioritized',
      'failed',
    );
    const queued = (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
    return { due, inFlight, queued, failed: c.failed ?? 0 };
  }

  /** True once nothing is due, in flight or queued (the schedule was restored: size > 0). */
  async finished(): Promise<boolean> {
    const [s, size] = await Promise.all([
      this.state(),
      this.redis.zcard(`${this.prefix}:harvest:due`),
    ]);
    return size > 0 && s.due === 0 && s.inFlight === 0 && s.queued === 0;
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}

export interface Census {
  posts: number;
  snapshots: number;
  /** Posts without a snapshot of the cycle. */
  lost: number;
  /** Snapshots beyond one per post. */
  duplicated: number;
  /** Posts whose latestReach is not their snapshot's reach. */
  mismatched: number;
}

/** One snapshot per post for the cycle (the world's posts are harvested once at AT). */
export async function census(models: ReachlineModels): Promise<Census> {
  const posts = await models.Post.find({}, { _id: 1, latestReach: 1 }).lean();
  const snapshots = await models.ReachSnapshot.find({}, { postId: 1, reach: 1 }).lean();
  const byPost = new Map<string, number[]>();
  for (const s of snapshots) {
    const key = String(s.postId);
    const list = byPost.get(key);
    if (list) list.push(s.reach);
    else byPost.set(key, [s.reach]);
  }
  let lost = 0;
  let duplicated = 0;
  let mismatched = 0;
  for (const p of posts) {
    const reaches = byPost.get(String(p._id)) ?? [];
    if (reaches.length === 0) lost += 1;
    duplicated += Math.max(0, reaches.length - 1);
    if (reaches.length === 1 && reaches[0] !== p.latestReach) mismatched += 1;
  }
  return { posts: posts.length, snapshots: snapshots.length, lost, duplicated, mismatched };
}

/** Waits until the cycle is finished (polling every 250 ms); throws after `timeoutMs`. */
export async function waitFinished(
  probe: CycleProbe,
  timeoutMs: number,
  label: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let nextReport = Date.now() + 15_000;
  while (!(await probe.finished())) {
    if (Date.now() > deadline)
      throw new Error(
        `${label}: not finished in ${timeoutMs} ms: ${JSON.stringify(await probe.state())}`,
      );
    if (Date.now() > nextReport) {
      say(`${label}: ${JSON.stringify(await probe.state())}`);
      nextReport += 15_000;
    }
    await sleep(250);
  }
}

/** A deterministic generator for the kill moments (the seed is printed, so a run can be repeated). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
