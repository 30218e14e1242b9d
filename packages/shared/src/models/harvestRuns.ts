import { Schema, type Types } from 'mongoose';
import { PLATFORMS, type Platform } from '../platforms';

export const HARVEST_RUN_STATUSES = ['running', 'ok', 'partial', 'failed'] as const;
export type HarvestRunStatus = (typeof HARVEST_RUN_STATUSES)[number];

/** One harvest batch job (collection `harvest_runs`), for the operator's queue and quota views. */
export interface HarvestRunDoc {
  _id: Types.ObjectId;
  /** The deterministic BullMQ job id; unique, so a retried job updates its run. */
  jobId: string;
  attempt: number;
  platform: Platform;
  accountId: Types.ObjectId;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  postsAsked: number;
  postsAnswered: number;
  apiCalls: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  /** Failure count by class (`throttled`, `token`, …). */
  errorsByClass: Map<string, number>;
  status: HarvestRunStatus;
}

const count = { type: Number, default: 0, min: 0 };

export const harvestRunSchema = new Schema<HarvestRunDoc>(
  {
    jobId: { type: String, required: true, minlength: 1 },
    attempt: { type: Number, default: 1, min: 1 },
    platform: { type: String, enum: PLATFORMS, required: true },
    accountId: { type: Schema.Types.ObjectId, ref: 'Account', required: true },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    durationMs: { type: Number, default: null, min: 0 },
    postsAsked: count,
    postsAnswered: count,
    apiCalls: count,
    rateLimitWaits: count,
    rateLimitWaitMs: count,
    errorsByClass: { type: Map, of: Number, default: () => new Map<string, number>() },
    status: { type: String, enum: HARVEST_RUN_STATUSES, default: 'running', required: true },
  },
  { collection: 'harvest_runs', autoIndex: false, versionKey: false },
);

harvestRunSchema.index({ jobId: 1 }, { unique: true });
harvestRunSchema.index({ startedAt: -1 });
harvestRunSchema.index({ platform: 1, startedAt: -1 });
harvestRunSchema.index({ accountId: 1, startedAt: -1 });
