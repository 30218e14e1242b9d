import { Schema, type Types } from 'mongoose';
import { PLATFORMS, type Platform } from '../platforms';
import { SNAPSHOT_SOURCES, type SnapshotSource } from './reachSnapshots';

/** One point of a post's reach chart: the value stored in the snapshot of that harvest slot. */
export interface HistoryPoint {
  at: Date;
  reach: number;
  source: SnapshotSource;
}

/**
 * A post's reach over time (collection `post_histories`), addressed by the post's own `_id`:
 * the story page draws its chart from these documents, never from `reach_snapshots` (which on
 * the embedded store can only be read cheaply by `_id`). Points are keyed by snapshot slot, so a
 * retried harvest rewrites its own point instead of adding a second one.
 */
export interface PostHistoryDoc {
  /** The post's `_id`. */
  _id: Types.ObjectId;
  platform: Platform;
  metric: string;
  /** By `historyPointKey(bucket)`. */
  points: Map<string, HistoryPoint>;
}

/** Map key of a snapshot slot: no dots (an ISO date has one), so it is a valid field name. */
export function historyPointKey(bucket: string): string {
  return bucket.replace(/[.:]/g, '_');
}

export const postHistorySchema = new Schema<PostHistoryDoc>(
  {
    platform: { type: String, enum: PLATFORMS, required: true },
    metric: { type: String, required: true },
    points: {
      type: Map,
      of: new Schema<HistoryPoint>(
        {
          at: { type: Date, required: true },
          reach: { type: Number, required: true, min: 0 },
          source: { type: String, enum: SNAPSHOT_SOURCES, required: true },
        },
        { _id: false },
      ),
      default: () => new Map<string, HistoryPoint>(),
    },
  },
  { collection: 'post_histories', autoIndex: false, versionKey: false },
);
