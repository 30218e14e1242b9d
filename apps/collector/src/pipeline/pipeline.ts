/**
 * The collector's moving parts around the store: two BullMQ queues (discovery, harvest), their
 * workers, and the two ticks that fill them. Ticks are plain methods: node-cron calls them in
 * production (collector.ts), tests and `harvest-now` call them directly.
 *
 * Job ids are deterministic, so a tick that fires twice, or two collector processes ticking
 * together, enqueue each piece of work once: discovery `discover-<account>-<15-min slot>`,
 * harvest `harvest-<account>-<tick instant>-<hash of its posts>` (and a post is claimed by one
 * tick only, see harvestSchedule.ts).
 */
import { createHash } from 'node:crypto';
import {
  DelayedError,
  Queue,
  UnrecoverableError,
  Worker,
  type Job,
  type JobsOptions,
} from 'bullmq';
import type { Redis } from 'ioredis';
import { jobDuration, throttleWaits } from '../ops/metrics';
import type { CollectorContext } from './context';
import { DiscoveryRefused, discoverAccount, type DiscoverySummary } from './discovery';
import { harvestBatch, type HarvestJobData, type HarvestOutcome } from './harvestBatch';
import { RetryLater, WaitUntil } from './jobErrors';
import { CLAIM_LEASE_MS, type ScheduledPost } from './harvestSchedule';
import { isStoreUnavailable } from './storeWatch';

/** Errors of a Redis connection going away (logged once by connect.ts, not per worker). */
const REDIS_CONNECTION_ERROR =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|Connection is closed|Socket closed unexpectedly|LOADING/;

/** A job that met an unreachable store runs again this long after (no retry used up). */
export const STORE_RETRY_MS = 5_000;

export const HARVEST_QUEUE = 'harvest';
export const DISCOVERY_QUEUE = 'discovery';

/** One discovery per account per slot of this length (collector clock). */
export const DISCOVERY_SLOT_MS = 15 * 60 * 1000;
/** Most posts one harvest tick claims. */
export const MAX_CLAIM_PER_TICK = 50_000;

export interface DiscoveryJobData {
  accountId: string;
}

const jobDefaults: JobsOptions = {
  attempts: 8,
  // Exponential from 2 s with ±50 % jitter, so a platform outage is not met by a retry storm.
  backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
  // Completed jobs are kept a day, so a repeated tick's job id is still known and not re-run.
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  // Failed jobs are kept for inspection (status, Bull Board).
  removeOnFail: false,
};

export interface PipelineOptions {
  /** BullMQ's connection (maxRetriesPerRequest: null). */
  connection: Redis;
  concurrency: number;
  /** Start the workers (false: only enqueue, e.g. the CLI). */
  work?: boolean;
}

export interface HarvestTickResult {
  claimed: number;
  jobs: number;
  reaped: number;
}

export class Pipeline {
  readonly harvestQueue: Queue<HarvestJobData, HarvestOutcome>;
  readonly discoveryQueue: Queue<DiscoveryJobData, DiscoverySummary>;
  private readonly workers: Worker[] = [];
  private readonly loggedErrors = new Map<string, number>();

  constructor(
    private readonly ctx: CollectorContext,
    private readonly options: PipelineOptions,
  ) {
    const base = { connection: options.connection, prefix: ctx.prefix };
    this.harvestQueue = new Queue(HARVEST_QUEUE, { ...base, defaultJobOptions: jobDefaults });
    this.discoveryQueue = new Queue(DISCOVERY_QUEUE, { ...base, defaultJobOptions: jobDefaults });
    if (options.work !== false) {
      this.workers.push(
        new Worker<HarvestJobData, HarvestOutcome>(
          HARVEST_QUEUE,
          (job, token) =>
            this.runJob(job, token, () =>
              harvestBatch(this.ctx, job.id!, job.attemptsMade + 1, job.data),
            ),
          {
            ...base,
            concurrency: options.concurrency,
            // A harvest job is idempotent (snapshot ids are deterministic), so a job whose
            // process died with it in hand (stalled) is simply run again, even several times.
            maxStalledCount: 10,
          },
        ),
        new Worker<DiscoveryJobData, DiscoverySummary>(
          DISCOVERY_QUEUE,
          (job, token) =>
            this.runJob(job, token, () => discoverAccount(this.ctx, job.data.accountId)),
          {
            ...base,
            concurrency: Math.max(1, Math.min(options.concurrency, 4)),
            maxStalledCount: 10,
          },
        ),
      );
      for (const w of this.workers) {
        w.on('failed', (job, err) =>
          this.ctx.log.warn('job failed', {
            queue: w.name,
            job: job?.id,
            attempt: job?.attemptsMade,
            error: err.message,
          }),
        );
        // During a Redis outage every worker connection errors on each retry: the outage itself
        // is logged once by the connection (connect.ts), so connection errors are not repeated
        // here; any other worker error is logged, the same message at most once a minute.
        w.on('error', (err) => {
          if (REDIS_CONNECTION_ERROR.test(err.message)) return;
          const key = `${w.name}:${err.message}`;
          const last = this.loggedErrors.get(key) ?? 0;
          if (Date.now() - last < 60_000) return;
          this.loggedErrors.set(key, Date.now());
          this.ctx.log.error('worker error', { queue: w.name, error: err.message });
        });
      }
    }
  }

  async ready(): Promise<void> {
    await Promise.all([this.harvestQueue.waitUntilReady(), this.discoveryQueue.waitUntilReady()]);
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  /** Runs a job's work, turning "wait" into a delay and "not worth retrying" into a final failure. */
  private async runJob<T>(job: Job, token: string | undefined, work: () => Promise<T>): Promise<T> {
    const stopTimer = jobDuration.startTimer({ queue: job.queueName });
    try {
      const result = await work();
      stopTimer({ status: 'ok' });
      return result;
    } catch (err) {
      stopTimer({ status: err instanceof WaitUntil ? 'delayed' : 'failed' });
      if (err instanceof WaitUntil) {
        throttleWaits.inc({ platform: err.platform });
        // Waiting is not failing: the job comes back when the platform allows it again.
        await job.moveToDelayed(err.untilMs, token);
        throw new DelayedError(err.message);
      }
      if (isStoreUnavailable(err)) {
        // The store is down (logged once by StoreWatch): not the job's fault, so it comes back
        // later without using up an attempt, and without a log line per job.
        await job.moveToDelayed(Date.now() + STORE_RETRY_MS, token);
        throw new DelayedError(`the store is unreachable: ${(err as Error).message}`);
      }
      if (err instanceof RetryLater) throw err; // BullMQ retries with backoff
      if (err instanceof DiscoveryRefused || (err as Error).name === 'TokenCryptoError')
        throw new UnrecoverableError((err as Error).message);
      throw err;
    }
  }

  /** Enqueues one discovery job per enabled account with a working token. */
  async tickDiscovery(): Promise<number> {
    const slot = Math.floor(this.ctx.clock.now().getTime() / DISCOVERY_SLOT_MS);
    // The accounts collection holds a handful of documents; scanning it is fine.
    const accounts = await this.ctx.models.Account.find(
      { enabled: true, tokenStatus: 'ok' },
      { _id: 1 },
    ).lean();
    await this.discoveryQueue.addBulk(
      accounts.map((a) => ({
        name: 'discover',
        data: { accountId: String(a._id) },
        opts: { jobId: `discover-${String(a._id)}-${slot}` },
      })),
    );
    return accounts.length;
  }

  /** Claims the posts due now and enqueues them per account, in batches at the platform's limit. */
  async tickHarvest(): Promise<HarvestTickResult> {
    const now = this.ctx.clock.now();
    const reaped = await this.ctx.schedule.reap(now);
    // A short lease until the jobs are enqueued (a crash in between costs a minute), then the
    // jobs' lease.
    const claimed = await this.ctx.schedule.claim(now, MAX_CLAIM_PER_TICK, CLAIM_LEASE_MS);
    const byAccount = new Map<string, ScheduledPost[]>();
    for (const p of claimed) {
      const list = byAccount.get(p.accountId);
      if (list) list.push(p);
      else byAccount.set(p.accountId, [p]);
    }
    const jobs = [];
    for (const [accountId, posts] of byAccount) {
      const account = await this.ctx.models.Account.findById(accountId, { platform: 1 }).lean();
      if (!account) {
        await this.ctx.schedule.set(posts.map((p) => ({ ...p, at: null })));
        continue;
      }
      const limit = this.ctx.connectors[account.platform].batchLimit;
      for (let i = 0; i < posts.length; i += limit) {
        const batch = posts.slice(i, i + limit);
        const hash = createHash('sha1')
          .update(batch.map((p) => p.postId).join(','))
          .digest('hex')
          .slice(0, 16);
        jobs.push({
          name: 'harvest',
          data: {
            accountId,
            platform: account.platform,
            slotAt: now.toISOString(),
            posts: batch.map((p) => ({ postId: p.postId, externalId: p.externalId })),
          },
          opts: { jobId: `harvest-${accountId}-${now.getTime()}-${hash}` },
        });
      }
    }
    if (jobs.length > 0) await this.harvestQueue.addBulk(jobs);
    if (claimed.length > 0) await this.ctx.schedule.extend(claimed);
    return { claimed: claimed.length, jobs: jobs.length, reaped };
  }

  private workPaused: Promise<void> = Promise.resolve();
  private wantPaused = false;

  /**
   * Stops (true) or restarts (false) taking new jobs, e.g. while the store is unreachable; the
   * jobs in hand go on. Calls are applied in order, the last one winning, so a quick outage and
   * recovery cannot leave the workers paused.
   */
  setWorkPaused(paused: boolean): Promise<void> {
    this.wantPaused = paused;
    this.workPaused = this.workPaused
      .then(async () => {
        const want = this.wantPaused;
        for (const w of this.workers) {
          if (want && !w.isPaused()) await w.pause(true);
          else if (!want && w.isPaused()) await w.resume();
        }
      })
      .catch((err: unknown) =>
        this.ctx.log.error('could not pause or resume the workers', {
          error: (err as Error).message,
        }),
      );
    return this.workPaused;
  }

  /** Work still queued or running (delayed included). */
  async pending(): Promise<number> {
    let total = 0;
    for (const q of [this.harvestQueue, this.discoveryQueue]) {
      const c = await q.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'prioritized',
        'waiting-children',
      );
      total += Object.values(c).reduce((a, b) => a + b, 0);
    }
    return total;
  }

  /** Waits until both queues are empty (tests, `harvest-now`, `backfill`). */
  async drain(timeoutMs = 120_000, pollMs = 50): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.pending()) > 0) {
      if (Date.now() > deadline) throw new Error(`queues not drained within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Finishes (or hands back) the jobs in hand, then closes the queues. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([this.harvestQueue.close(), this.discoveryQueue.close()]);
  }
}
