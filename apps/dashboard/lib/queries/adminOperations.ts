import 'server-only';
import type { Platform } from '@reachline/shared';
import { findByIds, harvestRunObjectId, type HarvestRunStatus } from '@reachline/shared/models';
import {
  type FailedJob,
  jobCounts,
  type JobCounts,
  newestFailedJobs,
  newestHarvestJobIds,
} from '../admin/queues';
import { QUEUE_NAMES, type QueueName } from '../admin/validation';
import { getStore } from '../db';

export interface HarvestRunRow {
  id: string;
  platform: Platform;
  accountId: string;
  finishedAt: Date | null;
  durationMs: number | null;
  postsAsked: number;
  postsAnswered: number;
  apiCalls: number;
  status: HarvestRunStatus;
}

export interface OperationsView {
  /** null: REDIS_URL unset; a string: Redis did not answer (the reason). */
  queues: { name: QueueName; counts: JobCounts }[] | null | string;
  failed: FailedJob[];
  runs: HarvestRunRow[];
}

/**
 * The operations page's data. `harvest_runs` grows without bound, so it is never scanned or
 * sorted: the newest harvest jobs come from BullMQ, and each one's run is read by `_id`
 * (`harvestRunObjectId(jobId)`, as harvestBatch.ts writes it). A skipped job has no run.
 */
export async function getOperationsView(limit = 20): Promise<OperationsView> {
  let queues: OperationsView['queues'] = [];
  let failed: FailedJob[] = [];
  let jobIds: string[] = [];
  try {
    for (const name of QUEUE_NAMES) {
      const counts = await jobCounts(name);
      if (!counts) {
        queues = null;
        break;
      }
      queues.push({ name, counts });
    }
    if (queues) {
      failed = await newestFailedJobs(limit);
      jobIds = await newestHarvestJobIds(limit);
    }
  } catch (err) {
    queues = (err as Error).message.split('\n')[0]!.slice(0, 200);
  }
  const { models } = await getStore();
  const byId = await findByIds(
    models.HarvestRun,
    jobIds.map((id) => harvestRunObjectId(id)),
  );
  const runs = jobIds
    .map((id) => byId.get(String(harvestRunObjectId(id))))
    .filter((d) => d !== undefined)
    .map((d) => ({
      id: String(d._id),
      platform: d.platform,
      accountId: String(d.accountId),
      finishedAt: d.finishedAt ?? null,
      durationMs: d.durationMs ?? null,
      postsAsked: d.postsAsked,
      postsAnswered: d.postsAnswered,
      apiCalls: d.apiCalls,
      status: d.status,
    }));
  return { queues, failed, runs };
}
