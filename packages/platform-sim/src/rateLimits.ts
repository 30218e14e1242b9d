/**
 * Quotas and rate-limit windows. These run on WALL time (not the simulated clock), because a
 * client waits for them in real seconds: a reset header must point at a real instant.
 */
import { z } from 'zod';

/** Counts events in a sliding window using small time buckets. */
export class SlidingWindow {
  private buckets: { t: number; n: number }[] = [];
  private total = 0;
  private readonly bucketMs: number;

  constructor(readonly windowMs: number) {
    this.bucketMs = Math.max(1, Math.floor(windowMs / 600));
  }

  private prune(now: number): void {
    let drop = 0;
    for (const b of this.buckets) {
      if (b.t + this.bucketMs + this.windowMs > now) break;
      this.total -= b.n;
      drop++;
    }
    if (drop > 0) this.buckets.splice(0, drop);
  }

  add(now: number, n = 1): void {
    this.prune(now);
    const t = now - (now % this.bucketMs);
    const last = this.buckets[this.buckets.length - 1];
    if (last && last.t === t) last.n += n;
    else this.buckets.push({ t, n });
    this.total += n;
  }

  count(now: number): number {
    this.prune(now);
    return this.total;
  }

  /** Milliseconds until fewer than `limit` events remain in the window (0 if already so). */
  msUntilBelow(now: number, limit: number): number {
    this.prune(now);
    const excess = this.total - limit + 1;
    if (excess <= 0) return 0;
    let removed = 0;
    for (const b of this.buckets) {
      removed += b.n;
      if (removed >= excess) return Math.max(1, b.t + this.bucketMs + this.windowMs - now);
    }
    return this.windowMs;
  }

  clear(): void {
    this.buckets = [];
    this.total = 0;
  }
}

/** X-style window: opens at the first request, closes `windowMs` later. */
export class FixedWindow {
  private start = -Infinity;
  private used = 0;

  constructor(
    readonly windowMs: number,
    readonly limit: number,
  ) {}

  /** Take one request; returns whether it is allowed and the header values after it. */
  take(now: number): { allowed: boolean; remaining: number; resetAt: number } {
    if (now >= this.start + this.windowMs) {
      this.start = now;
      this.used = 0;
    }
    const allowed = this.used < this.limit;
    if (allowed) this.used++;
    return { allowed, remaining: this.limit - this.used, resetAt: this.start + this.windowMs };
  }

  clear(): void {
    this.start = -Infinity;
    this.used = 0;
  }
}

const pacificDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Los_Angeles',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** YouTube-style daily units, reset at midnight Pacific time. */
export class DailyQuota {
  private day = '';
  private used = 0;

  constructor(readonly units: number) {}

  /** Charge `cost` units; returns false (and charges nothing) when the day's quota is spent. */
  charge(now: number, cost: number): boolean {
    const day = pacificDay.format(now);
    if (day !== this.day) {
      this.day = day;
      this.used = 0;
    }
    if (this.used + cost > this.units) return false;
    this.used += cost;
    return true;
  }

  usedUnits(): number {
    return this.used;
  }

  clear(): void {
    this.used = 0;
  }
}

export interface BucUsage {
  call_count: number;
  total_cputime: number;
  total_time: number;
  /** Minutes. */
  estimated_time_to_regain_access: number;
}

/** Business Use Case usage of one Page (or IG account) over a sliding window. */
export class BucMeter {
  private readonly calls: SlidingWindow;

  constructor(
    windowMs: number,
    private readonly quota: number,
  ) {
    this.calls = new SlidingWindow(windowMs);
  }

  record(now: number, n = 1): void {
    this.calls.add(now, n);
  }

  usage(now: number): BucUsage {
    const pct = Math.floor((100 * this.calls.count(now)) / this.quota);
    return {
      call_count: pct,
      // The simulator has no real CPU accounting: CPU and total time rise with the call count.
      total_cputime: Math.floor(pct * 0.4),
      total_time: Math.floor(pct * 0.55),
      estimated_time_to_regain_access:
        pct >= 100 ? Math.ceil(this.calls.msUntilBelow(now, this.quota) / 60_000) : 0,
    };
  }

  exhausted(now: number): boolean {
    return this.calls.count(now) >= this.quota;
  }

  clear(): void {
    this.calls.clear();
  }
}

const positiveInt = z.number().int().min(1);

export const limitSettingsSchema = z
  .object({
    facebook: z
      .object({
        windowMs: positiveInt,
        callQuota: positiveInt,
        headerThresholdPercent: z.number().min(0).max(100),
      })
      .strict(),
    instagram: z
      .object({
        windowMs: positiveInt,
        callQuota: positiveInt,
        headerThresholdPercent: z.number().min(0).max(100),
      })
      .strict(),
    x: z.object({ windowMs: positiveInt, limit: positiveInt }).strict(),
    youtube: z.object({ dailyUnits: positiveInt }).strict(),
    tiktok: z.object({ windowMs: positiveInt, limit: positiveInt }).strict(),
    line: z.object({ windowMs: positiveInt, limit: positiveInt }).strict(),
  })
  .strict();

export type LimitSettings = z.infer<typeof limitSettingsSchema>;

export const DEFAULT_LIMITS: LimitSettings = {
  // Pages BUC: 4800 x engaged users per hour; we model one fixed quota per page.
  facebook: { windowMs: 3_600_000, callQuota: 4800, headerThresholdPercent: 5 },
  instagram: { windowMs: 86_400_000, callQuota: 4800, headerThresholdPercent: 5 },
  // GET /2/tweets: 5,000 per 15 minutes per user (research §3). The 3,500 per 15 minutes is the
  // per-app limit for app-only Bearer tokens, which the simulator does not issue: its X token is
  // a user-context token (it is shown non_public_metrics).
  x: { windowMs: 900_000, limit: 5000 },
  youtube: { dailyUnits: 10_000 },
  tiktok: { windowMs: 60_000, limit: 600 },
  line: { windowMs: 3_600_000, limit: 60 },
};

/** One limiter per key (page id, token ...), created on first use. */
export class Keyed<T extends { clear(): void }> {
  private readonly map = new Map<string, T>();

  constructor(private readonly make: () => T) {}

  get(key: string): T {
    let v = this.map.get(key);
    if (!v) {
      v = this.make();
      this.map.set(key, v);
    }
    return v;
  }

  clear(): void {
    this.map.clear();
  }
}
