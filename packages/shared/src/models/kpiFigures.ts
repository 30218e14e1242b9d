import { Schema, type Types } from 'mongoose';
import { DEFAULT_PROJECT_ID } from './projects';

export interface MonthFigures {
  published: number;
  passed: number;
}

/**
 * A project's KPI figures for a fiscal year (collection `kpi_figures`), addressed by
 * `kpiFiguresId(fiscalYear, projectId)`
 * and kept current by the collector as each batch lands, so the overview reads one document by
 * `_id` instead of counting stories.
 */
export interface KpiFiguresDoc {
  _id: string;
  projectId: Types.ObjectId;
  fiscalYear: number;
  /** Stories published in the year (infographics that count). */
  published: number;
  /** Of those, stories whose reach reached the threshold. */
  passed: number;
  /** By month key (`2021-04`). */
  months: Map<string, MonthFigures>;
  updatedAt: Date;
}

export function kpiFiguresId(
  fiscalYear: number,
  projectId: Types.ObjectId | string = DEFAULT_PROJECT_ID,
): string {
  return `${String(projectId)}:fy${fiscalYear}`;
}

const count = { type: Number, default: 0, min: 0, required: true };

export const kpiFiguresSchema = new Schema<KpiFiguresDoc>(
  {
    _id: { type: String, required: true },
    projectId: { type: Schema.Types.ObjectId, ref: 'Project', required: true },
    fiscalYear: { type: Number, required: true, min: 2400 },
    published: count,
    passed: count,
    months: {
      type: Map,
      of: new Schema<MonthFigures>({ published: count, passed: count }, { _id: false }),
      default: () => new Map<string, MonthFigures>(),
    },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'kpi_figures', autoIndex: false, versionKey: false },
);
