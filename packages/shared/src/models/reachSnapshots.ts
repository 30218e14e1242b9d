import { Schema, type Types } from 'mongoose';

export const SNAPSHOT_SOURCES = ['api', 'manual'] as const;
export type SnapshotSource = (typeof SNAPSHOT_SOURCES)[number];

/**
 * One reading of a post's reach (collection `reach_snapshots`). Idempotent by construction: the
 * `_id` is `${postId}:${bucket}` and (postId, bucket) is unique, so a retried or duplicated
 * harvest job upserts the same row instead of adding a second one.
 */
export interface ReachSnapshotDoc {
  /** snapshotId(postId, bucket). */
  _id: string;
  postId: Types.ObjectId;
  /** The harvest slot: snapshotBucket(capturedAt, interval), or manualSnapshotBucket(). */
  bucket: string;
  capturedAt: Date;
  reach: number;
  /** Which platform metric `reach` is. */
  metric: string;
  /** Other numeric metrics the platform returned (likes, shares…), by metric name. */
  metrics: Map<string, number>;
  /**
   * The platform's answer for this post, trimmed, as a JSON string: stored as text so arbitrary
   * platform keys (dots, `$`) and nested arrays never become document structure FerretDB rejects.
   */
  rawPayload: string | null;
  source: SnapshotSource;
  harvestRunId: Types.ObjectId | null;
  /** The editor who typed a manual number. */
  enteredBy: Types.ObjectId | null;
}

/** Longest raw payload kept per snapshot; the rest is cut (the numbers are in `metrics`). */
export const RAW_PAYLOAD_MAX_CHARS = 4000;

/**
 * The harvest slot of a reading: `capturedAt` floored to the cadence interval (counted from the
 * Unix epoch, so daily slots start at 00:00 UTC = 07:00 Bangkok), as an ISO string. Two attempts
 * of the same harvest land in the same slot.
 */
export function snapshotBucket(capturedAt: Date, intervalMs: number): string {
  const ms = capturedAt.getTime();
  if (Number.isNaN(ms)) throw new RangeError('snapshotBucket needs a valid capturedAt');
  if (!Number.isInteger(intervalMs) || intervalMs <= 0) {
    throw new RangeError(`snapshotBucket needs a positive whole interval in ms, got ${intervalMs}`);
  }
  return new Date(Math.floor(ms / intervalMs) * intervalMs).toISOString();
}

/**
 * Bucket for a number an editor typed in: its own second, prefixed so it never replaces an API
 * reading from the same slot.
 */
export function manualSnapshotBucket(capturedAt: Date): string {
  return `manual:${snapshotBucket(capturedAt, 1000)}`;
}

/** The deterministic `_id` of a snapshot: `${postId}:${bucket}`. */
export function snapshotId(postId: Types.ObjectId | string, bucket: string | Date): string {
  const slot = typeof bucket === 'string' ? bucket : bucket.toISOString();
  return `${String(postId)}:${slot}`;
}

/** Cuts a platform answer down to what is worth keeping beside the numbers. */
export function trimRawPayload(payload: unknown): string | null {
  if (payload === undefined || payload === null) return null;
  const json = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return json.length > RAW_PAYLOAD_MAX_CHARS ? json.slice(0, RAW_PAYLOAD_MAX_CHARS) : json;
}

export const reachSnapshotSchema = new Schema<ReachSnapshotDoc>(
  {
    _id: { type: String, required: true },
    postId: { type: Schema.Types.ObjectId, ref: 'Post', required: true },
    bucket: { type: String, required: true, minlength: 1 },
    capturedAt: { type: Date, required: true },
    reach: { type: Number, required: true, min: 0 },
    metric: { type: String, required: true },
    metrics: { type: Map, of: Number, default: () => new Map<string, number>() },
    rawPayload: { type: String, default: null, maxlength: RAW_PAYLOAD_MAX_CHARS },
    source: { type: String, enum: SNAPSHOT_SOURCES, default: 'api', required: true },
    harvestRunId: { type: Schema.Types.ObjectId, ref: 'HarvestRun', default: null },
    enteredBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { collection: 'reach_snapshots', autoIndex: false, versionKey: false },
);

// The _id must agree with (postId, bucket); otherwise the two uniqueness guarantees could differ.
reachSnapshotSchema.path('_id').validate(function (this: ReachSnapshotDoc, id: string) {
  return id === snapshotId(this.postId, this.bucket);
}, '_id must be snapshotId(postId, bucket)');

reachSnapshotSchema.index({ postId: 1, bucket: 1 }, { unique: true });
reachSnapshotSchema.index({ postId: 1, capturedAt: -1 });
