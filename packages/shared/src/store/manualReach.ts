/**
 * An editor's number for a post no API reaches (a LINE broadcast under 20, a post on an account
 * without a token, a figure read off a screen): stored as a `manual` snapshot, and used as the
 * post's reach until a harvest answers. Both are kept; an API value is never replaced by a
 * manual one.
 */
import type { Types } from 'mongoose';
import {
  DEFAULT_PROJECT_ID,
  historyPointKey,
  manualSnapshotBucket,
  snapshotId,
} from '../models/index';
import { applyStoryChanges, publishStoryEvents, type RollupContext } from './rollup';

export class ManualReachError extends Error {
  override name = 'ManualReachError';
}

export interface ManualReachResult {
  /** True when the number now stands for the post (no API value yet). */
  used: boolean;
  snapshotId: string;
}

export async function enterManualReach(
  ctx: RollupContext,
  input: { postId: Types.ObjectId; reach: number; at: Date; enteredBy?: Types.ObjectId | null },
): Promise<ManualReachResult> {
  const { Post, ReachSnapshot, PostHistory } = ctx.models;
  if (!Number.isInteger(input.reach) || input.reach < 0 || input.reach > 1e10)
    throw new ManualReachError('reach must be a whole number of people, 0 or more.');
  const post = await Post.findById(input.postId).lean();
  if (!post) throw new ManualReachError(`no post ${String(input.postId)}.`);
  const bucket = manualSnapshotBucket(input.at);
  const id = snapshotId(post._id, bucket);
  await ReachSnapshot.updateOne(
    { _id: id },
    {
      $setOnInsert: {
        postId: post._id,
        bucket,
        capturedAt: input.at,
        reach: input.reach,
        metric: post.reachMetric,
        source: 'manual',
        enteredBy: input.enteredBy ?? null,
      },
    },
    { upsert: true },
  );
  if (post.latestReachSource === 'api') return { used: false, snapshotId: id };

  await Post.updateOne(
    { _id: post._id },
    { $set: { latestReach: input.reach, latestReachAt: input.at, latestReachSource: 'manual' } },
  );
  await PostHistory.updateOne(
    { _id: post._id },
    {
      $set: {
        platform: post.platform,
        metric: post.reachMetric,
        [`points.${historyPointKey(bucket)}`]: {
          at: input.at,
          reach: input.reach,
          source: 'manual',
        },
      },
    },
    { upsert: true },
  );
  if (post.storyId) {
    const events = await applyStoryChanges(
      ctx,
      { projectId: post.projectId ?? DEFAULT_PROJECT_ID, fiscalYear: post.period.fiscalYear },
      [{ kind: 'reach', storyId: post.storyId, postId: post._id, reach: input.reach }],
      input.at,
    );
    await publishStoryEvents(ctx, events);
  }
  return { used: true, snapshotId: id };
}
