import 'server-only';
import type { Platform, TokenStatus } from '@reachline/shared';
import { dashboardConfig } from '../config';
import { getStore } from '../db';
import { getReadModel } from '../live/readModel';
import { getRedis } from '../redis';

interface RunSeen {
  runId: string;
  status: 'ok' | 'partial' | 'failed';
  at: Date;
}

/**
 * The harvest runs this process has seen finish (Redis events via the read model): the last one
 * per platform and the latest instant. Kept in memory from the first overview or SSE request on;
 * a restarted dashboard knows only what happened since.
 */
class HarvestActivity {
  lastRunAt: Date | null = null;
  readonly lastByPlatform = new Map<Platform, RunSeen>();
  /** runId -> whether that run is in this deployment's store (channels are shared on one Redis). */
  private readonly ours = new Map<string, boolean>();

  record(platform: Platform, run: RunSeen): void {
    if (!this.lastRunAt || run.at > this.lastRunAt) this.lastRunAt = run.at;
    this.lastByPlatform.set(platform, run);
  }

  /** Platforms whose last run failed, checked against the store by `_id`. */
  async failingPlatforms(): Promise<{ platform: Platform; at: Date }[]> {
    const out: { platform: Platform; at: Date }[] = [];
    for (const [platform, run] of this.lastByPlatform) {
      if (run.status !== 'failed') continue;
      let ours = this.ours.get(run.runId);
      if (ours === undefined) {
        const { models } = await getStore();
        ours = (await models.HarvestRun.exists({ _id: run.runId })) !== null;
        if (this.ours.size > 1000) this.ours.clear();
        this.ours.set(run.runId, ours);
      }
      if (ours) out.push({ platform, at: run.at });
    }
    return out;
  }
}

const cache = globalThis as typeof globalThis & { __reachlineHarvestActivity?: HarvestActivity };

export async function getHarvestActivity(): Promise<HarvestActivity> {
  if (cache.__reachlineHarvestActivity) return cache.__reachlineHarvestActivity;
  const activity = new HarvestActivity();
  cache.__reachlineHarvestActivity = activity;
  const model = await getReadModel();
  model.onEvent((event) => {
    if (event.type === 'harvest-run-finished')
      activity.record(event.platform, {
        runId: event.runId,
        status: event.status,
        at: new Date(event.at),
      });
  });
  return activity;
}

export interface TokenWarning {
  accountId: string;
  platform: Platform;
  displayName: string;
  tokenStatus: Exclude<TokenStatus, 'ok'>;
}

export interface OverviewStatus {
  /** False without REDIS_URL: no live updates, no schedule. */
  liveConfigured: boolean;
  tokenWarnings: TokenWarning[];
  failingPlatforms: { platform: Platform; at: Date }[];
  lastRunAt: Date | null;
  nextDueAt: Date | null;
  /** Whether the schedule could be read (Redis configured and answering). */
  scheduleKnown: boolean;
}

/** The earliest due instant of the harvest schedule, or null; undefined when Redis is unusable. */
async function nextDueAt(): Promise<Date | null | undefined> {
  const redis = getRedis();
  if (!redis) return undefined;
  const key = `${dashboardConfig().QUEUE_PREFIX}:harvest:due`;
  try {
    const first = await Promise.race([
      redis.zrange(key, 0, 0, 'WITHSCORES'),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_000)),
    ]);
    const score = first[1];
    return score === undefined ? null : new Date(Number(score));
  } catch {
    return undefined;
  }
}

/**
 * Token warnings (the accounts collection is small: read whole), failing platforms (from the
 * harvest runs seen), and the schedule's next due instant: what the overview warns about and
 * how fresh it says the data is.
 */
export async function getOverviewStatus(): Promise<OverviewStatus> {
  const { models } = await getStore();
  const [accounts, activity, due] = await Promise.all([
    models.Account.find({}, { platform: 1, displayName: 1, tokenStatus: 1, enabled: 1 }).lean(),
    getHarvestActivity(),
    nextDueAt(),
  ]);
  const tokenWarnings: TokenWarning[] = [];
  for (const a of accounts) {
    if (a.tokenStatus === 'ok' || a.enabled === false) continue;
    tokenWarnings.push({
      accountId: String(a._id),
      platform: a.platform,
      displayName: a.displayName,
      tokenStatus: a.tokenStatus,
    });
  }
  tokenWarnings.sort(
    (a, b) => a.platform.localeCompare(b.platform) || a.displayName.localeCompare(b.displayName),
  );
  return {
    liveConfigured: getRedis() !== null,
    tokenWarnings,
    failingPlatforms: await activity.failingPlatforms(),
    lastRunAt: activity.lastRunAt,
    nextDueAt: due ?? null,
    scheduleKnown: due !== undefined,
  };
}
