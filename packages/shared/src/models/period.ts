import { Schema } from 'mongoose';
import { type FiscalQuarter, periodOf } from '../thaiCalendar';

/**
 * Where a post or story falls in Bangkok time, computed when it is written. FerretDB has no date
 * operators, so grouping by month or quarter must read these fields, never compute them.
 */
export interface StoredPeriod {
  monthKey: string;
  fiscalYear: number;
  quarter: FiscalQuarter;
}

/** The `period` to store for something published at `publishedAt`. Use it on every write. */
export function periodFieldsOf(publishedAt: Date): StoredPeriod {
  const { monthKey, fiscalYear, quarter } = periodOf(publishedAt);
  return { monthKey, fiscalYear, quarter };
}

export const periodSchema = new Schema<StoredPeriod>(
  {
    monthKey: { type: String, required: true, match: /^\d{4}-(0[1-9]|1[0-2])$/ },
    fiscalYear: { type: Number, required: true, min: 2400 },
    quarter: { type: Number, required: true, enum: [1, 2, 3, 4] },
  },
  { _id: false },
);
