/**
 * THE harvest cadence: how often a post's reach is read, by the post's age. The scheduler sets
 * `nextHarvestAt` from this table and the dashboard's "last / next harvest" is computed from the
 * same table, so the two cannot drift.
 *
 * Reach grows fastest in the first hours, so young posts are read often; after 90 days the number
 * barely moves and reading it costs quota, so harvesting stops. Two exceptions:
 * - `reopened`: an editor re-opened a stopped post; it is read daily, with no end, until closed.
 * - near the threshold: a post whose latest reach is within `NEAR_THRESHOLD_PERCENT` below the
 *   threshold (2,700..2,999 for 3,000) is exactly the post whose next number decides a KPI
 *   pass. The table already reads every post at least daily until day 90, so the rule extends
 *   daily reads for such posts to day `NEAR_THRESHOLD_STOP_DAYS` (180) instead of stopping at 90,
 *   so a slow burner that crosses the line late is still counted. Once it passes, it is no
 *   longer "near" and stops on the normal schedule.
 */

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
export const DAY_MS = 24 * HOUR;

/** One row of the cadence table: posts younger than `untilAgeMs` are read every `intervalMs`. */
export interface CadenceStep {
  untilAgeMs: number;
  intervalMs: number;
}

/** Post age -> harvest interval. Rows are in age order; past the last row harvesting stops. */
export const HARVEST_CADENCE: readonly CadenceStep[] = [
  { untilAgeMs: 1 * DAY_MS, intervalMs: 15 * MINUTE },
  { untilAgeMs: 7 * DAY_MS, intervalMs: 1 * HOUR },
  { untilAgeMs: 30 * DAY_MS, intervalMs: 6 * HOUR },
  { untilAgeMs: 90 * DAY_MS, intervalMs: 1 * DAY_MS },
];

/** Age at which the table stops harvesting (day 90). */
export const HARVEST_STOP_AGE_MS = HARVEST_CADENCE[HARVEST_CADENCE.length - 1]!.untilAgeMs;

/** Interval for re-opened and near-threshold posts past the table's end. */
export const EXTENDED_HARVEST_INTERVAL_MS = DAY_MS;

/** A post at most this many percent below the threshold counts as near it. */
export const NEAR_THRESHOLD_PERCENT = 10;

/** Near-threshold posts keep being read daily until this age instead of stopping at day 90. */
export const NEAR_THRESHOLD_STOP_DAYS = 180;
const NEAR_THRESHOLD_STOP_AGE_MS = NEAR_THRESHOLD_STOP_DAYS * DAY_MS;

export interface CadenceOptions {
  /** An editor re-opened the post after harvesting stopped. */
  reopened?: boolean;
  /** The post's (or its story's) latest reach and the threshold, for the near-threshold rule. */
  latestReach?: number | null;
  threshold?: number;
}

/**
 * True when `latestReach` is below the threshold by at most `NEAR_THRESHOLD_PERCENT`
 * (integer math: reach x 100 >= threshold x 90).
 */
export function isNearThreshold(
  latestReach: number | null | undefined,
  threshold: number,
): boolean {
  if (latestReach === null || latestReach === undefined) return false;
  return latestReach < threshold && latestReach * 100 >= threshold * (100 - NEAR_THRESHOLD_PERCENT);
}

/** The age after which this post is no longer harvested (Infinity when re-opened). */
export function harvestStopAge(options: CadenceOptions = {}): number {
  if (options.reopened) return Number.POSITIVE_INFINITY;
  if (options.threshold !== undefined && isNearThreshold(options.latestReach, options.threshold)) {
    return NEAR_THRESHOLD_STOP_AGE_MS;
  }
  return HARVEST_STOP_AGE_MS;
}

/**
 * Harvest interval for a post of this age, or null when harvesting has stopped. A negative age
 * (clock skew: the platform's timestamp is ahead of ours) is treated as brand new.
 */
export function cadenceFor(ageMs: number, options: CadenceOptions = {}): number | null {
  if (Number.isNaN(ageMs)) throw new RangeError('Post age must be a number of milliseconds');
  const age = Math.max(0, ageMs);
  if (age >= harvestStopAge(options)) return null;
  for (const step of HARVEST_CADENCE) {
    if (age < step.untilAgeMs) return step.intervalMs;
  }
  return EXTENDED_HARVEST_INTERVAL_MS;
}

/**
 * When to read the post next, given when it was published and when it was last read (or `now`
 * if never): one interval after `from`, with the interval taken at the age it has at `from`.
 * If that would pass the stop age, the last read happens exactly at the stop age, so the final
 * number is taken on day 90 rather than skipped. Null once harvesting has stopped.
 */
export function nextHarvestAt(
  publishedAt: Date,
  from: Date,
  options: CadenceOptions = {},
): Date | null {
  const published = publishedAt.getTime();
  const fromMs = from.getTime();
  if (Number.isNaN(published) || Number.isNaN(fromMs)) {
    throw new RangeError('nextHarvestAt needs valid publishedAt and from dates');
  }
  const interval = cadenceFor(fromMs - published, options);
  if (interval === null) return null;
  const stopAt = published + harvestStopAge(options);
  return new Date(Math.min(fromMs + interval, stopAt));
}

/** A harvest is due when its time has come; posts with no next harvest are never due. */
export function isHarvestDue(next: Date | null | undefined, now: Date): boolean {
  return next !== null && next !== undefined && next.getTime() <= now.getTime();
}
