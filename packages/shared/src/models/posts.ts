import { Schema, type Types } from 'mongoose';
import { PLATFORMS, type Platform } from '../platforms';
import { COUNT_OVERRIDES, type CountOverride } from '../storyRules';
import { type StoredPeriod, periodSchema } from './period';

export const INFOGRAPHIC_REASONS = ['rule', 'editor'] as const;
export type InfographicReason = (typeof INFOGRAPHIC_REASONS)[number];

/** The last harvest failure of a post, kept beside it until a harvest succeeds. */
export interface HarvestErrorState {
  /** Failure class, e.g. `throttled`, `token`, `not_found`, `transient`, `bad_response`. */
  class: string;
  message: string;
  at: Date;
}

/** One post on one platform (collection `posts`). */
export interface PostDoc {
  _id: Types.ObjectId;
  platform: Platform;
  /** The platform's post id; unique together with `platform`. */
  externalId: string;
  accountId: Types.ObjectId;
  /** The post's public address; null where the platform has none (a LINE broadcast). */
  url: string | null;
  title: string;
  /** Caption / message text, for the infographic rule's keywords and hashtags. */
  text: string;
  hashtags: string[];
  /** Attachment kind as the platform names it (`photo`, `album`, `video`…), for the rule. */
  mediaType: string | null;
  /** UTC. */
  publishedAt: Date;
  /** Precomputed with `periodFieldsOf(publishedAt)`. */
  period: StoredPeriod;
  isInfographic: boolean;
  /** Why it counts (or not): the fiscal year's rule, or an editor's decision that overrides it. */
  infographicReason: InfographicReason | null;
  /** The story it belongs to (null: not counted, e.g. an ordinary post). */
  storyId: Types.ObjectId | null;
  /** The project whose rule counted it (null when it counts for none). */
  projectId: Types.ObjectId | null;
  /**
   * An editor's decision that this post's reach counts toward its story ('in') or not ('out'),
   * whatever the year's counting rule says; null: the rule decides. Mirrored in the story member.
   */
  countOverride?: CountOverride | null;
  latestReach: number | null;
  latestReachAt: Date | null;
  /** Where `latestReach` came from: a harvest, or an editor's number (until a harvest answers). */
  latestReachSource: 'api' | 'manual' | null;
  /** Which platform metric `latestReach` is (see REACH_METRICS). */
  reachMetric: string;
  crossedThresholdAt: Date | null;
  /** From the cadence table; null once harvesting has stopped. */
  nextHarvestAt: Date | null;
  lastHarvestAt: Date | null;
  /** Set when an editor re-opens a stopped post (cadence `reopened`). */
  harvestReopenedAt: Date | null;
  harvestError: HarvestErrorState | null;
  createdAt?: Date;
  updatedAt?: Date;
}

const harvestErrorSchema = new Schema<HarvestErrorState>(
  {
    class: { type: String, required: true, maxlength: 64 },
    message: { type: String, required: true, maxlength: 2000 },
    at: { type: Date, required: true },
  },
  { _id: false },
);

export const postSchema = new Schema<PostDoc>(
  {
    platform: { type: String, enum: PLATFORMS, required: true },
    externalId: { type: String, required: true, trim: true, minlength: 1 },
    accountId: { type: Schema.Types.ObjectId, ref: 'Account', required: true },
    url: { type: String, default: null, match: [/^https?:\/\//, 'url must be an http(s) URL'] },
    title: { type: String, default: '', maxlength: 2000 },
    text: { type: String, default: '', maxlength: 20000 },
    hashtags: { type: [String], default: [] },
    mediaType: { type: String, default: null },
    publishedAt: { type: Date, required: true },
    period: { type: periodSchema, required: true },
    isInfographic: { type: Boolean, default: false, required: true },
    infographicReason: { type: String, enum: [...INFOGRAPHIC_REASONS, null], default: null },
    storyId: { type: Schema.Types.ObjectId, ref: 'Story', default: null },
    projectId: { type: Schema.Types.ObjectId, ref: 'Project', default: null },
    countOverride: { type: String, enum: [...COUNT_OVERRIDES, null], default: null },
    latestReach: { type: Number, default: null, min: 0 },
    latestReachAt: { type: Date, default: null },
    latestReachSource: { type: String, enum: ['api', 'manual', null], default: null },
    reachMetric: { type: String, required: true },
    crossedThresholdAt: { type: Date, default: null },
    nextHarvestAt: { type: Date, default: null },
    lastHarvestAt: { type: Date, default: null },
    harvestReopenedAt: { type: Date, default: null },
    harvestError: { type: harvestErrorSchema, default: null },
  },
  { collection: 'posts', autoIndex: false, timestamps: true, versionKey: false },
);

postSchema.index({ platform: 1, externalId: 1 }, { unique: true });
postSchema.index({ nextHarvestAt: 1 }); // the scheduler's "due" query
postSchema.index({ accountId: 1, publishedAt: -1 });
postSchema.index({ storyId: 1 });
postSchema.index({ 'period.fiscalYear': 1, 'period.monthKey': 1 });
postSchema.index({ isInfographic: 1, publishedAt: -1 });
