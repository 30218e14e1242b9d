import { Schema, type Types } from 'mongoose';
import { PLATFORMS, type Platform } from '../platforms';
import { stableObjectId } from './ids';
import { DEFAULT_PROJECT_ID } from './projects';

export const REPORT_STATUSES = ['draft', 'approved'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** A plan step as it stood when the report's progress % was computed. */
export interface ReportProgressStep {
  name: string;
  /** The step's weight in the plan, percent. */
  weight: number;
  /** How much of the step is done, percent 0..100. */
  donePercent: number;
}

/** A post listed in the monthly text, frozen at generation so later harvests do not change it. */
export interface ReportItem {
  postId: Types.ObjectId;
  storyId: Types.ObjectId | null;
  platform: Platform;
  title: string;
  reach: number;
  reachMetric: string;
  passed: boolean;
}

export const REPORT_ACTIONS = [
  'generated',
  'regenerated',
  'edited',
  'progress-overridden',
  'approved',
  'reopened',
] as const;
export type ReportAction = (typeof REPORT_ACTIONS)[number];

/** One change of a report, kept for ever: who did what, and the text as it stood after it. */
export interface ReportHistoryEntry {
  at: Date;
  /** The editor; null for the collector's month-end run. */
  by: Types.ObjectId | null;
  byName: string;
  action: ReportAction;
  text: string;
  progressPercent: number;
}

/** A report's `_id`: one per project and month, so a repeated month-end trigger finds it. */
export function reportObjectId(
  projectId: Types.ObjectId | string,
  monthKey: string,
): Types.ObjectId {
  return stableObjectId(`report:${String(projectId)}:${monthKey}`);
}

/** A monthly progress entry (collection `reports`), addressed by `reportObjectId`. */
export interface ReportDoc {
  _id: Types.ObjectId;
  projectId: Types.ObjectId;
  fiscalYear: number;
  /** The month reported on, `YYYY-MM`; one report per month. */
  monthKey: string;
  reportDate: Date;
  /** Computed from the weighted plan steps. */
  progressPercent: number;
  progressSteps: ReportProgressStep[];
  /** An editor's override of the computed figure; null = use progressPercent. */
  progressOverride: number | null;
  generatedText: string;
  editedText: string | null;
  status: ReportStatus;
  items: ReportItem[];
  generatedAt: Date;
  approvedBy: Types.ObjectId | null;
  approvedAt: Date | null;
  /** The ** ปัญหาของโครงการ and ** อุปสรรคของโครงการ texts (the seed's default: ไม่มี). */
  problems: string;
  obstacles: string;
  history: ReportHistoryEntry[];
  createdAt?: Date;
  updatedAt?: Date;
}

const percent = { type: Number, required: true, min: 0, max: 100 };

const progressStepSchema = new Schema<ReportProgressStep>(
  {
    name: { type: String, required: true },
    weight: percent,
    donePercent: percent,
  },
  { _id: false },
);

const reportItemSchema = new Schema<ReportItem>(
  {
    postId: { type: Schema.Types.ObjectId, ref: 'Post', required: true },
    storyId: { type: Schema.Types.ObjectId, ref: 'Story', default: null },
    platform: { type: String, enum: PLATFORMS, required: true },
    title: { type: String, required: true },
    reach: { type: Number, required: true, min: 0 },
    reachMetric: { type: String, required: true },
    passed: { type: Boolean, required: true },
  },
  { _id: false },
);

const historyEntrySchema = new Schema<ReportHistoryEntry>(
  {
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    byName: { type: String, default: '' },
    action: { type: String, enum: REPORT_ACTIONS, required: true },
    text: { type: String, required: true },
    progressPercent: percent,
  },
  { _id: false },
);

export const reportSchema = new Schema<ReportDoc>(
  {
    projectId: {
      type: Schema.Types.ObjectId,
      ref: 'Project',
      required: true,
      default: () => DEFAULT_PROJECT_ID,
    },
    fiscalYear: { type: Number, required: true, min: 2400 },
    monthKey: { type: String, required: true, match: /^\d{4}-(0[1-9]|1[0-2])$/ },
    reportDate: { type: Date, required: true },
    progressPercent: percent,
    progressSteps: { type: [progressStepSchema], default: [] },
    progressOverride: { type: Number, default: null, min: 0, max: 100 },
    generatedText: { type: String, required: true },
    editedText: { type: String, default: null },
    status: { type: String, enum: REPORT_STATUSES, default: 'draft', required: true },
    items: { type: [reportItemSchema], default: [] },
    generatedAt: { type: Date, required: true },
    approvedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    approvedAt: { type: Date, default: null },
    problems: { type: String, default: 'ไม่มี', maxlength: 5000 },
    obstacles: { type: String, default: 'ไม่มี', maxlength: 5000 },
    history: { type: [historyEntrySchema], default: [] },
  },
  { collection: 'reports', autoIndex: false, timestamps: true, versionKey: false },
);

// Reports are read by `_id` (reportObjectId); the year's list reads the project-year's few rows.
reportSchema.index({ projectId: 1, fiscalYear: 1, monthKey: 1 });
