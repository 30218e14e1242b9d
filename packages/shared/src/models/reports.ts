import { Schema, type Types } from 'mongoose';
import { PLATFORMS, type Platform } from '../platforms';

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

/** A monthly progress entry (collection `reports`). */
export interface ReportDoc {
  _id: Types.ObjectId;
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

export const reportSchema = new Schema<ReportDoc>(
  {
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
  },
  { collection: 'reports', autoIndex: false, timestamps: true, versionKey: false },
);

reportSchema.index({ monthKey: 1 }, { unique: true });
reportSchema.index({ fiscalYear: 1, monthKey: 1 });
