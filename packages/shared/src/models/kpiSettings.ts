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

/**
 * The project page's own texts for the year (the city's project system page: header, rationale,
 * objective, strategies, plan dates, KPI block); empty strings are left out of nothing: the page
 * writes them as they are.
 */
export interface ProjectPageSettings {
  activity: string;
  projectCode: string;
  owner: string;
  contact: string;
  rationale: string;
  unitCode: string;
  objective: string;
  strategies: string[];
  kpiCode: string;
  kpiIndicator: string;
  kpiTypes: string[];
  /** The evaluation office's latest assessment (quarter 1..4 and score), if any. */
  assessmentQuarter: number | null;
  assessmentScore: number | null;
  /** Each plan step's dates, `YYYY-MM-DD`, in plan order; missing = the fiscal year's first day. */
  stepDates: { start: string; end: string }[];
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
  /** The texts of the whole project page (header, rationale, …, KPI block). */
  page: ProjectPageSettings;
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

const day = { type: String, required: true, match: /^\d{4}-\d{2}-\d{2}$/ };

const pageSettingsSchema = new Schema<ProjectPageSettings>(
  {
    activity: { type: String, default: '', maxlength: 1000 },
    projectCode: { type: String, default: '', maxlength: 100 },
    owner: { type: String, default: '', maxlength: 500 },
    contact: { type: String, default: '', maxlength: 500 },
    rationale: { type: String, default: '', maxlength: 10000 },
    unitCode: { type: String, default: '', maxlength: 200 },
    objective: { type: String, default: '', maxlength: 10000 },
    strategies: { type: [String], default: [] },
    kpiCode: { type: String, default: '', maxlength: 100 },
    kpiIndicator: { type: String, default: '', maxlength: 2000 },
    kpiTypes: { type: [String], default: [] },
    assessmentQuarter: { type: Number, default: null, min: 1, max: 4 },
    assessmentScore: { type: Number, default: null, min: 0, max: 100 },
    stepDates: {
      type: [new Schema({ start: day, end: day }, { _id: false })],
      default: [],
    },
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
    page: { type: pageSettingsSchema, default: () => ({}) },
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
