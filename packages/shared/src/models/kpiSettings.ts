import { Schema, type Types } from 'mongoose';

import { PLATFORMS, type Platform } from '../platforms';
import { DEFAULT_PROJECT_ID } from './projects';
import {
  DEFAULT_KPI_TARGETS,
  DEFAULT_PLAN_STEPS,
  type PlanStep,
  STORY_REACH_MODES,
  type StoryReachMode,
} from '../kpi';

/** Which posts count as infographics, decided per fiscal year; editors can override per post. */
export interface InfographicRule {
  /** Any of these hashtags (without `#`, compared case-insensitively) marks an infographic. */
  hashtags: string[];
  /** Any of these words in the title or text marks an infographic. */
  keywords: string[];
  /** When not empty, only posts of these media types (as the platform names them) count. */
  mediaTypes: string[];
}

/** The KPI settings of one project in one fiscal year (collection `kpi_settings`). */
export interface KpiSettingsDoc {
  _id: Types.ObjectId;
  /** The project (default: the office's infographic project). */
  projectId: Types.ObjectId;
  fiscalYear: number;
  threshold: number;
  targetStories: number;
  targetPercent: number;
  planSteps: PlanStep[];
  infographicRule: InfographicRule;
  storyReach: StoryReachMode;
  /**
   * Which platforms' numbers make a story's reach; empty = every platform. FY2564 counts Facebook
   * only (the figure the office reported); the others are still stored and shown.
   */
  countedPlatforms: Platform[];
  /**
   * The monthly entry's status template (`{month} {year} {count} {items}`; report/template.ts);
   * empty = the built-in seed-style template (pattern B).
   */
  reportTemplate: string;
  /** One item inside `{items}` (`{index} {title} {reachLabel} {reach} {unit}`); empty = default. */
  reportItemTemplate: string;
  /** A month without stories (`{month} {year}`); empty = the seed's "being summarised" text. */
  reportNoPostsTemplate: string;
  /** The reach unit written after each number: คน (default) or ราย. */
  reportUnit: string;
  /** The words before each number: ยอดการเข้าถึง (default) or ยอดผู้เข้าชม. */
  reportReachLabel: string;
  createdAt?: Date;
  updatedAt?: Date;
}

const planStepSchema = new Schema<PlanStep>(
  {
    name: { type: String, required: true, minlength: 1 },
    weight: { type: Number, required: true, min: 0, max: 100 },
  },
  { _id: false },
);

const infographicRuleSchema = new Schema<InfographicRule>(
  {
    hashtags: { type: [String], default: [] },
    keywords: { type: [String], default: [] },
    mediaTypes: { type: [String], default: [] },
  },
  { _id: false },
);

export const kpiSettingsSchema = new Schema<KpiSettingsDoc>(
  {
    projectId: {
      type: Schema.Types.ObjectId,
      ref: 'Project',
      required: true,
      default: () => DEFAULT_PROJECT_ID,
    },
    fiscalYear: { type: Number, required: true, min: 2400 },
    threshold: { type: Number, default: DEFAULT_KPI_TARGETS.threshold, min: 1, required: true },
    targetStories: {
      type: Number,
      default: DEFAULT_KPI_TARGETS.targetStories,
      min: 0,
      required: true,
      validate: { validator: Number.isInteger, message: 'targetStories must be a whole number' },
    },
    targetPercent: {
      type: Number,
      default: DEFAULT_KPI_TARGETS.targetPercent,
      min: 0,
      max: 100,
      required: true,
    },
    planSteps: {
      type: [planStepSchema],
      default: () => DEFAULT_PLAN_STEPS.map((step) => ({ ...step })),
      validate: {
        // Progress % is a weighted sum; weights that do not add up to 100 make it meaningless.
        validator: (steps: PlanStep[]) =>
          Math.abs(steps.reduce((sum, s) => sum + s.weight, 0) - 100) < 1e-9,
        message: 'planSteps weights must add up to 100',
      },
    },
    infographicRule: { type: infographicRuleSchema, default: () => ({}) },
    storyReach: {
      type: String,
      enum: STORY_REACH_MODES,
      default: DEFAULT_KPI_TARGETS.storyReach,
      required: true,
    },
    countedPlatforms: { type: [{ type: String, enum: PLATFORMS }], default: [] },
    reportTemplate: { type: String, default: '', maxlength: 5000 },
    reportItemTemplate: { type: String, default: '', maxlength: 2000 },
    reportNoPostsTemplate: { type: String, default: '', maxlength: 2000 },
    reportUnit: { type: String, default: 'คน', trim: true, minlength: 1, maxlength: 20 },
    reportReachLabel: {
      type: String,
      default: 'ยอดการเข้าถึง',
      trim: true,
      minlength: 1,
      maxlength: 100,
    },
  },
  { collection: 'kpi_settings', autoIndex: false, timestamps: true, versionKey: false },
);

kpiSettingsSchema.index({ projectId: 1, fiscalYear: 1 }, { unique: true });
