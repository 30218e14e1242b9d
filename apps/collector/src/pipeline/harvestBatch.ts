/**
 * One harvest job: the reach of up to one platform call's worth of posts of one account, read at
 * the platform's batch limit and stored by `_id` only:
 *   1. snapshots inserted with their deterministic `_id` (a duplicate is a retried job's reading,
 *      and the stored value wins, so a retry never changes what was recorded);
 *   2. each post's latest values, next harvest time and chart point;
 *   3. story roll-ups and the year's figures (rollup.ts), then one event per changed story;
 *   4. a `harvest_runs` row, and the posts' next due instants in the schedule.
 * Throttling, token and permission trouble pause what they concern and nothing else.
 */
import {
  CHANNELS,
  EXTENDED_HARVEST_INTERVAL_MS,
  cadenceFor,
  encodeEvent,
  nextHarvestAt,
  storyPasses,
  type Platform,
} from '@reachline/shared';
import {
  DEFAULT_PROJECT_ID,
  findByIds,
  harvestRunObjectId,
  historyPointKey,
  snapshotBucket,
  snapshotId,
  trimRawPayload,
  type PostDoc,
} from '@reachline/shared/models';
import { Types } from 'mongoose';
import { connectorAccount, setTokenStatus } from '../accounts';
import { PlatformError, type ReachBatchResult } from '../connectors/types';
import { apiCalls, postsHarvested } from '../ops/metrics';
import type { CollectorContext } from './context';
import { RetryLater, WaitUntil } from './jobErrors';
import {
  applyStoryChanges,
  publishStoryEvents,
  type ProjectYear,
  type StoryChange,
} from '@reachline/shared/store';

export interface HarvestJobData {
  accountId: string;
  platform: Platform;
  /** The tick's instant on the collector's clock: the snapshot slot of every attempt. */
  slotAt: string;
  posts: { postId: string; externalId: string }[];
}

export interface HarvestOutcome {
  status: 'ok' | 'partial' | 'failed' | 'skipped';
  postsAsked: number;
  postsAnswered: number;
  apiCalls: number;
  errorsByClass: Record<string, number>;
}

const RETRY_SOON_MS = 15 * 60 * 1000;
/** A paused account's posts are looked at again this often, in case the token was renewed. */
const PAUSED_RECHECK_MS = 60 * 60 * 1000;

export async function harvestBatch(
  ctx: CollectorContext,
  jobId: string,
  attempt: number,
  data: HarvestJobData,
): Promise<HarvestOutcome> {
  const { Account, Post, HarvestRun } = ctx.models;
  const started = Date.now();
  const outcome: HarvestOutcome = {
    status: 'ok',
    postsAsked: data.posts.length,
    postsAnswered: 0,
    apiCalls: 0,
    errorsByClass: {},
  };
  const scheduled = data.posts.map((p) => ({ ...p, accountId: data.accountId }));
  const now = ctx.clock.now();

  const account = await Account.findById(data.accountId).lean();
  if (!account || !account.enabled) {
    await ctx.schedule.set(scheduled.map((p) => ({ ...p, at: null })));
    return { ...outcome, status: 'skipped' };
  }
  if (account.tokenStatus !== 'ok') {
    await ctx.schedule.set(
      scheduled.map((p) => ({ ...p, at: new Date(now.getTime() + PAUSED_RECHECK_MS) })),
    );
    return { ...outcome, status: 'skipped' };
  }
  const coolUntil = await ctx.cooldowns.until(account.platform, account.externalId);
  if (coolUntil > 0)
    throw new WaitUntil(account.platform, coolUntil, `${account.platform} is cooling down`);

  const runId = harvestRunObjectId(jobId);
  const finishRun = async (
    status: HarvestOutcome['status'],
    extra: Record<string, unknown> = {},
  ) => {
    if (status === 'skipped') return;
    await HarvestRun.updateOne(
      { _id: runId },
      {
        $set: {
          jobId,
          attempt,
          platform: account.platform,
          accountId: account._id,
          startedAt: new Date(started),
          finishedAt: new Date(),
          durationMs: Date.now() - started,
          postsAsked: outcome.postsAsked,
          postsAnswered: outcome.postsAnswered,
          apiCalls: outcome.apiCalls,
          errorsByClass: outcome.errorsByClass,
          status,
          ...extra,
        },
      },
      { upsert: true },
    );
    await ctx.redis.publish(
      CHANNELS.harvestRunFinished,
      encodeEvent({
        type: 'harvest-run-finished',
        runId: String(runId),
        platform: account.platform,
        status,
        postsAnswered: outcome.postsAnswered,
        at: new Date().toISOString(),
      }),
    );
  };

  let result: ReachBatchResult;
  try {
    result = await ctx.connectors[account.platform].readReach(
      connectorAccount(account, ctx.tokenKey),
      data.posts.map((p) => p.externalId),
      { now },
    );
  } catch (err) {
    if (!(err instanceof PlatformError)) throw err;
    outcome.errorsByClass[err.failureClass] = 1;
    outcome.apiCalls = 1;
    apiCalls.inc({ platform: account.platform, outcome: err.failureClass });
    switch (err.failureClass) {
      case 'throttled': {
        const until = await ctx.cooldowns.pauseFor(err, account.externalId);
        await finishRun('failed', { rateLimitWaits: 1, rateLimitWaitMs: until - Date.now() });
        throw new WaitUntil(account.platform, until, err.message);
      }
      case 'token_invalid':
      case 'permission_missing': {
        const status = err.failureClass === 'token_invalid' ? 'expired' : 'insufficient_permission';
        if (await setTokenStatus(ctx.models, ctx.redis, ctx.prefix, account, status, now)) {
          ctx.log.warn('account paused: token problem', {
            platform: account.platform,
            account: account.externalId,
            tokenStatus: status,
            reason: err.message,
          });
        }
        await ctx.schedule.set(
          scheduled.map((p) => ({ ...p, at: new Date(now.getTime() + PAUSED_RECHECK_MS) })),
        );
        await finishRun('failed');
        return { ...outcome, status: 'failed' };
      }
      case 'retry':
        await finishRun('failed');
        throw new RetryLater(err.message);
      default: {
        // bad_request / not_found for the whole call: record it on the posts, keep their cadence.
        await markFailures(ctx, data, new Map(data.posts.map((p) => [p.externalId, err])), now);
        await finishRun('failed');
        return { ...outcome, status: 'failed' };
      }
    }
  }

  outcome.apiCalls = result.apiCalls;
  apiCalls.inc({ platform: account.platform, outcome: 'ok' }, result.apiCalls);
  for (const f of result.failures) {
    outcome.errorsByClass[f.error.failureClass] =
      (outcome.errorsByClass[f.error.failureClass] ?? 0) + 1;
  }
  if (result.droppedMetrics.length > 0) {
    ctx.log.warn('platform refused metrics; harvesting without them', {
      platform: account.platform,
      metrics: result.droppedMetrics,
    });
  }

  const byExternal = new Map(data.posts.map((p) => [p.externalId, p.postId]));
  // The batch's posts in one command by `_id` (a post removed meanwhile is simply absent).
  const posts: Map<string, PostDoc> = await findByIds(
    Post,
    data.posts.map((p) => p.postId),
  );
  const slotAt = new Date(data.slotAt);

  // 1. Snapshots.
  const readings = result.readings.filter((r) => r.reach !== null && byExternal.has(r.externalId));
  const snapshots = [];
  for (const r of readings) {
    const post = posts.get(byExternal.get(r.externalId)!);
    if (!post) continue;
    const interval =
      cadenceFor(slotAt.getTime() - post.publishedAt.getTime()) ?? EXTENDED_HARVEST_INTERVAL_MS;
    const bucket = snapshotBucket(slotAt, interval);
    snapshots.push({
      _id: snapshotId(post._id, bucket),
      postId: post._id,
      bucket,
      capturedAt: now,
      reach: Math.round(r.reach!),
      metric: r.metric,
      metrics: r.metrics,
      rawPayload: trimRawPayload(r.raw),
      source: 'api' as const,
      harvestRunId: runId,
      enteredBy: null,
    });
  }
  const storedValue = await insertSnapshots(ctx, snapshots);
  outcome.postsAnswered = snapshots.length;
  postsHarvested.inc({ platform: account.platform }, snapshots.length);

  // 2. Posts and their chart points; 3. story changes by fiscal year.
  const postOps = [];
  const historyOps = [];
  const storyChanges = new Map<string, { year: ProjectYear; changes: StoryChange[] }>();
  const next: { postId: string; externalId: string; accountId: string; at: Date | null }[] = [];
  for (const snap of snapshots) {
    const post = posts.get(String(snap.postId))!;
    const reach = storedValue.get(snap._id) ?? snap.reach;
    const settings = await ctx.settings.get(
      post.period.fiscalYear,
      post.projectId ?? DEFAULT_PROJECT_ID,
    );
    const crossed =
      post.crossedThresholdAt ?? (storyPasses(reach, settings.threshold) ? now : null);
    const nextAt = nextHarvestAt(post.publishedAt, now, {
      latestReach: reach,
      threshold: settings.threshold,
      reopened: post.harvestReopenedAt !== null,
    });
    postOps.push({
      updateOne: {
        filter: { _id: post._id },
        update: {
          $set: {
            latestReach: reach,
            latestReachAt: now,
            latestReachSource: 'api',
            lastHarvestAt: now,
            nextHarvestAt: nextAt,
            crossedThresholdAt: crossed,
            harvestError: null,
          },
        },
      },
    });
    historyOps.push({
      updateOne: {
        filter: { _id: post._id },
        update: {
          $set: {
            platform: post.platform,
            metric: snap.metric,
            [`points.${historyPointKey(snap.bucket)}`]: { at: now, reach, source: 'api' },
          },
        },
        upsert: true,
      },
    });
    if (post.storyId) {
      const year = {
        projectId: post.projectId ?? DEFAULT_PROJECT_ID,
        fiscalYear: post.period.fiscalYear,
      };
      const key = `${String(year.projectId)}:${year.fiscalYear}`;
      const group = storyChanges.get(key) ?? { year, changes: [] };
      group.changes.push({ kind: 'reach', storyId: post.storyId, postId: post._id, reach });
      storyChanges.set(key, group);
    }
    next.push({
      postId: String(post._id),
      externalId: post.externalId,
      accountId: data.accountId,
      at: nextAt,
    });
  }
  if (postOps.length > 0) await Post.bulkWrite(postOps, { ordered: true });
  if (historyOps.length > 0) await ctx.models.PostHistory.bulkWrite(historyOps, { ordered: true });
  const events = [];
  for (const { year, changes } of storyChanges.values()) {
    events.push(...(await applyStoryChanges(ctx, year, changes, now)));
  }

  // Posts without a number this time: failures by class, or a withheld value (LINE under 20).
  const answered = new Set(snapshots.map((s) => String(s.postId)));
  const failures = new Map(result.failures.map((f) => [f.externalId, f.error]));
  const unanswered = data.posts.filter((p) => !answered.has(p.postId));
  for (const p of unanswered) {
    const post = posts.get(p.postId);
    if (!post) {
      next.push({ ...p, accountId: data.accountId, at: null }); // removed meanwhile
      continue;
    }
    if (failures.has(p.externalId)) continue; // handled by markFailures below
    next.push({ ...p, accountId: data.accountId, at: nextHarvestAt(post.publishedAt, now) });
  }
  // Posts the platform refused for quota part-way through the batch are not failures: they are
  // due again now, and the next job waits out the cooldown before asking.
  for (const [externalId, error] of failures) {
    if (error.failureClass !== 'throttled') continue;
    failures.delete(externalId);
    await ctx.cooldowns.pauseFor(error, account.externalId);
    next.push({
      postId: byExternal.get(externalId)!,
      externalId,
      accountId: data.accountId,
      at: now,
    });
  }
  await markFailures(ctx, data, failures, now);
  await ctx.schedule.set(next);

  outcome.status = unanswered.length === 0 ? 'ok' : snapshots.length > 0 ? 'partial' : 'failed';
  await finishRun(outcome.status);
  await publishStoryEvents(ctx, events);
  return outcome;
}

/**
 * Inserts the batch's snapshots; for those already stored (a retried job, a second collector),
 * returns the stored reach, which is what the post and story must show.
 */
async function insertSnapshots(
  ctx: CollectorContext,
  snapshots: { _id: string; reach: number }[],
): Promise<Map<string, number>> {
  const stored = new Map<string, number>();
  if (snapshots.length === 0) return stored;
  const { ReachSnapshot } = ctx.models;
  let duplicates: string[] = [];
  try {
    await ReachSnapshot.collection.insertMany(snapshots as never[], { ordered: false });
  } catch (err) {
    const writeErrors = (
      err as { writeErrors?: { code?: number; index: number }[] | { code?: number; index: number } }
    ).writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    if (list.length === 0 || list.some((e) => e.code !== 11000)) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    duplicates =
      list.length > 0 ? list.map((e) => snapshots[e.index]!._id) : snapshots.map((s) => s._id);
  }
  for (const id of duplicates) {
    const doc = await ReachSnapshot.findById(id, { reach: 1 }).lean();
    if (doc) stored.set(id, doc.reach);
  }
  return stored;
}

/** Records per-post failures: gone posts stop; others keep their cadence or retry soon. */
async function markFailures(
  ctx: CollectorContext,
  data: HarvestJobData,
  failures: Map<string, PlatformError>,
  now: Date,
): Promise<void> {
  if (failures.size === 0) return;
  const ops = [];
  const next = [];
  for (const p of data.posts) {
    const error = failures.get(p.externalId);
    if (!error) continue;
    const at =
      error.failureClass === 'not_found'
        ? null
        : error.failureClass === 'retry'
          ? new Date(now.getTime() + RETRY_SOON_MS)
          : new Date(now.getTime() + EXTENDED_HARVEST_INTERVAL_MS);
    ops.push({
      updateOne: {
        filter: { _id: new Types.ObjectId(p.postId) },
        update: {
          $set: {
            harvestError: {
              class: error.failureClass,
              message: error.message.slice(0, 2000),
              at: now,
            },
            nextHarvestAt: at,
          },
        },
      },
    });
    next.push({ ...p, accountId: data.accountId, at });
  }
  await ctx.models.Post.bulkWrite(ops, { ordered: true });
  await ctx.schedule.set(next);
}
