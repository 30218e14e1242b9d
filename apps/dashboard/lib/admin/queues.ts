import 'server-only';
import { Job, Queue } from 'bullmq';
import { dashboardConfig } from '../config';
import { getRedis } from '../redis';
import { QUEUE_NAMES, type QueueName } from './validation';

/**
 * The collector's BullMQ queues as the operations page sees them: the same names and key prefix
 * as apps/collector/src/pipeline/pipeline.ts (`harvest`, `discovery`, QUEUE_PREFIX). The
 * dashboard only reads counts and failed jobs and retries a failed job; it never adds work.
 */
export const COUNTED_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
export type CountedState = (typeof COUNTED_STATES)[number];
export type JobCounts = Record<CountedState, number>;

export interface FailedJob {
  queue: QueueName;
  id: string;
  /** The last error's message only; the job's data is never shown. */
  reason: string;
  attempts: number;
  failedAt: Date | null;
}

const cache = globalThis as typeof globalThis & {
  __reachlineQueues?: Map<QueueName, Queue>;
};

/** The queue, or null when REDIS_URL is unset. */
export function queueOf(name: QueueName): Queue | null {
  const connection = getRedis();
  if (!connection) return null;
  cache.__reachlineQueues ??= new Map();
  let queue = cache.__reachlineQueues.get(name);
  if (!queue) {
    queue = new Queue(name, { connection, prefix: dashboardConfig().QUEUE_PREFIX });
    queue.on('error', () => undefined); // Redis outages are shown on the page, not thrown here
    cache.__reachlineQueues.set(name, queue);
  }
  return queue;
}

export async function jobCounts(name: QueueName): Promise<JobCounts | null> {
  const queue = queueOf(name);
  if (!queue) return null;
  const counts = await queue.getJobCounts(...COUNTED_STATES);
  return Object.fromEntries(COUNTED_STATES.map((s) => [s, counts[s] ?? 0])) as JobCounts;
}

/** The newest failed jobs of both queues, newest first. */
export async function newestFailedJobs(limit = 20): Promise<FailedJob[]> {
  const out: FailedJob[] = [];
  for (const name of QUEUE_NAMES) {
    const queue = queueOf(name);
    if (!queue) continue;
    const jobs = await queue.getFailed(0, limit - 1);
    for (const job of jobs) {
      if (!job?.id) continue;
      out.push({
        queue: name,
        id: job.id,
        reason: (job.failedReason || '').slice(0, 500),
        attempts: job.attemptsMade,
        failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
      });
    }
  }
  return out
    .sort((a, b) => (b.failedAt?.getTime() ?? 0) - (a.failedAt?.getTime() ?? 0))
    .slice(0, limit);
}

/** The ids of the newest completed and failed harvest jobs (their runs are read by `_id`). */
export async function newestHarvestJobIds(limit = 20): Promise<string[]> {
  const queue = queueOf('harvest');
  if (!queue) return [];
  const jobs = await queue.getJobs(['completed', 'failed'], 0, limit - 1, false);
  return jobs
    .filter((job): job is Job => Boolean(job?.id))
    .sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0))
    .slice(0, limit)
    .map((job) => job.id!);
}

/** Moves a failed job back to waiting; false when it is not (or no longer) a failed job. */
export async function retryFailedJob(name: QueueName, jobId: string): Promise<boolean> {
  const queue = queueOf(name);
  if (!queue) return false;
  const job = await Job.fromId(queue, jobId);
  if (!job || !(await job.isFailed())) return false;
  await job.retry('failed');
  return true;
}
