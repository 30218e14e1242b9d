import { Schema, type Types } from 'mongoose';
import { STORY_REACH_MODES, type StoryReachMode } from '../kpi';
import { PLATFORMS, type Platform } from '../platforms';
import { type StoredPeriod, periodSchema } from './period';

/** One infographic, possibly cross-posted on several platforms: the unit the KPI counts. */
export interface StoryDoc {
  _id: Types.ObjectId;
  title: string;
  /** Earliest publication among its posts; decides its month and quarter. */
  publishedAt: Date;
  period: StoredPeriod;
  postIds: Types.ObjectId[];
  platforms: Platform[];
  /** storyReach(posts' latestReach, reachMode), written on every harvest. */
  reach: number;
  reachMode: StoryReachMode;
  /** The threshold `passed` was judged against (from kpi_settings of its fiscal year). */
  threshold: number;
  passed: boolean;
  /** When the story first reached the threshold; never cleared. */
  crossedThresholdAt: Date | null;
  createdAt?: Date;
  updatedAt?: Date;
}

export const storySchema = new Schema<StoryDoc>(
  {
    title: { type: String, required: true, maxlength: 2000 },
    publishedAt: { type: Date, required: true },
    period: { type: periodSchema, required: true },
    postIds: { type: [{ type: Schema.Types.ObjectId, ref: 'Post' }], default: [] },
    platforms: { type: [{ type: String, enum: PLATFORMS }], default: [] },
    reach: { type: Number, default: 0, min: 0, required: true },
    reachMode: { type: String, enum: STORY_REACH_MODES, default: 'sum', required: true },
    threshold: { type: Number, required: true, min: 1 },
    passed: { type: Boolean, default: false, required: true },
    crossedThresholdAt: { type: Date, default: null },
  },
  { collection: 'stories', autoIndex: false, timestamps: true, versionKey: false },
);

storySchema.index({ 'period.fiscalYear': 1, publishedAt: -1 });
storySchema.index({ 'period.fiscalYear': 1, passed: 1 });
