import { Schema, type Types } from 'mongoose';
import { STORY_REACH_MODES, type StoryReachMode } from '../kpi';
import { PLATFORMS, type Platform } from '../platforms';
import { COUNT_OVERRIDES, type CountOverride } from '../storyRules';
import { type StoredPeriod, periodSchema } from './period';
import { DEFAULT_PROJECT_ID } from './projects';

/** A post's part in its story: its latest reach, kept in the story so the roll-up reads one doc. */
export interface StoryMember {
  platform: Platform;
  /** The post's latest reach (null until harvested). */
  reach: number | null;
  /** Whether this post's reach counts: the editor's override, else the year's counting rule. */
  counted: boolean;
  /** The post's `countOverride` (an editor's in/out), kept here so the roll-up honours it. */
  countOverride?: CountOverride | null;
  /**
   * A post imported from a record (importFy2564, a CSV import) rather than discovered: when
   * discovery finds the same post on the platform, the found post takes its place.
   */
  imported?: boolean;
}

/** One infographic, possibly cross-posted on several platforms: the unit the KPI counts. */
export interface StoryDoc {
  _id: Types.ObjectId;
  /** The project whose KPI the story counts for (an editor may move it). */
  projectId: Types.ObjectId;
  title: string;
  /** Earliest publication among its posts; decides its month and quarter. */
  publishedAt: Date;
  period: StoredPeriod;
  postIds: Types.ObjectId[];
  platforms: Platform[];
  /** By post id (hex): each member's latest reach, so reach is recomputed from this doc alone. */
  members: Map<string, StoryMember>;
  /** The normalised title cross-posts are matched on (`normaliseTitle`). */
  titleKey: string;
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
    projectId: {
      type: Schema.Types.ObjectId,
      ref: 'Project',
      required: true,
      default: () => DEFAULT_PROJECT_ID,
    },
    title: { type: String, required: true, maxlength: 2000 },
    publishedAt: { type: Date, required: true },
    period: { type: periodSchema, required: true },
    postIds: { type: [{ type: Schema.Types.ObjectId, ref: 'Post' }], default: [] },
    platforms: { type: [{ type: String, enum: PLATFORMS }], default: [] },
    members: {
      type: Map,
      of: new Schema<StoryMember>(
        {
          platform: { type: String, enum: PLATFORMS, required: true },
          reach: { type: Number, default: null, min: 0 },
          counted: { type: Boolean, default: true },
          countOverride: { type: String, enum: [...COUNT_OVERRIDES, null], default: null },
          imported: { type: Boolean, default: false },
        },
        { _id: false },
      ),
      default: () => new Map<string, StoryMember>(),
    },
    titleKey: { type: String, default: '' },
    reach: { type: Number, default: 0, min: 0, required: true },
    reachMode: { type: String, enum: STORY_REACH_MODES, default: 'sum', required: true },
    threshold: { type: Number, required: true, min: 1 },
    passed: { type: Boolean, default: false, required: true },
    crossedThresholdAt: { type: Date, default: null },
  },
  { collection: 'stories', autoIndex: false, timestamps: true, versionKey: false },
);

storySchema.index({ projectId: 1, 'period.fiscalYear': 1, publishedAt: -1 });
storySchema.index({ projectId: 1, 'period.fiscalYear': 1, passed: 1 });
