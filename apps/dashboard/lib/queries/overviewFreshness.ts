/**
 * "How fresh is this?" for the overview, from three instants: when the collector last wrote the
 * year's figures (`kpi_figures.updatedAt`, on the collector's clock), when the dashboard last saw
 * a harvest run finish (the Redis event, wall clock), and the earliest instant in the harvest
 * schedule (`<prefix>:harvest:due`, on the collector's clock). Pure; browser-safe.
 *
 * The collector's clock is the wall clock in production, but in tests and the demo it is the
 * simulator's, possibly years away (FY2564 is 2021). So:
 * - "harvested N ago" is relative to now only while the last harvest is within a week of now
 *   (in either direction it would otherwise read "5 years ago" or "in -5 years"); beyond that the
 *   page prints the instant itself.
 * - "next in M" is relative to now only while the collector's clock looks like the wall clock
 *   (its last write within a week of now, or no write yet). Otherwise the page says how long after
 *   the last harvest the next one is due, both read on the collector's own clock, and prints the
 *   instant: true on either clock, never a negative or absurd duration.
 */

export const PLAUSIBLE_CLOCK_SKEW_MS = 7 * 24 * 60 * 60 * 1000;

export interface FreshnessInput {
  now: Date;
  figuresUpdatedAt: Date | null;
  lastRunAt: Date | null;
  /** Earliest due instant in the schedule; null when the schedule is empty. */
  nextDueAt: Date | null;
  /** False when the dashboard has no Redis (REDIS_URL unset) or Redis did not answer. */
  scheduleKnown: boolean;
}

export type HarvestedFreshness =
  { kind: 'never' } | { kind: 'ago'; ms: number; at: Date } | { kind: 'at'; at: Date };

export type NextFreshness =
  | { kind: 'unknown' }
  | { kind: 'notScheduled' }
  | { kind: 'dueNow' }
  | { kind: 'in'; ms: number; at: Date }
  | { kind: 'afterLast'; ms: number; at: Date };

export interface Freshness {
  harvested: HarvestedFreshness;
  next: NextFreshness;
}

const latest = (a: Date | null, b: Date | null): Date | null =>
  a && b ? (a.getTime() >= b.getTime() ? a : b) : (a ?? b);

export function describeFreshness(input: FreshnessInput): Freshness {
  const now = input.now.getTime();
  const harvestedAt = latest(input.figuresUpdatedAt, input.lastRunAt);
  let harvested: HarvestedFreshness;
  if (!harvestedAt) harvested = { kind: 'never' };
  else {
    const ago = now - harvestedAt.getTime();
    harvested =
      ago >= -60_000 && ago <= PLAUSIBLE_CLOCK_SKEW_MS
        ? { kind: 'ago', ms: Math.max(0, ago), at: harvestedAt }
        : { kind: 'at', at: harvestedAt };
  }

  let next: NextFreshness;
  if (!input.scheduleKnown) next = { kind: 'unknown' };
  else if (!input.nextDueAt) next = { kind: 'notScheduled' };
  else {
    const due = input.nextDueAt.getTime();
    const collectorClock = input.figuresUpdatedAt;
    const onWallClock =
      !collectorClock || Math.abs(now - collectorClock.getTime()) <= PLAUSIBLE_CLOCK_SKEW_MS;
    if (onWallClock) {
      next = due <= now ? { kind: 'dueNow' } : { kind: 'in', ms: due - now, at: input.nextDueAt };
    } else {
      next = {
        kind: 'afterLast',
        ms: Math.max(0, due - collectorClock.getTime()),
        at: input.nextDueAt,
      };
    }
  }
  return { harvested, next };
}
