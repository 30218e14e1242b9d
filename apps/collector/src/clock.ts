/**
 * The collector's notion of "now". Production uses the system clock; the demo and the tests use
 * the simulator's clock, so a simulated year can be harvested in minutes. Quota cooldowns are
 * NOT on this clock: platforms count real seconds, so those use Date.now().
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move (tests step it to each report date). */
export class ManualClock implements Clock {
  private at: number;
  constructor(at: Date) {
    this.at = at.getTime();
  }
  now(): Date {
    return new Date(this.at);
  }
  set(at: Date): void {
    this.at = at.getTime();
  }
}

/** What the simulator's admin API says of its clock. */
export interface SimClockState {
  now: string;
  mode: 'real' | 'accelerated' | 'fixed';
  /** Wall seconds per simulated day (accelerated mode). */
  daySeconds?: number;
}

/**
 * Follows the simulator's clock: reads it every `refreshMs` and extrapolates in between with the
 * rate it reported, so `now()` stays synchronous and cheap.
 */
export class FollowedClock implements Clock {
  private base = { sim: Date.now(), wall: Date.now(), rate: 1 };
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly read: () => Promise<SimClockState>,
    private readonly refreshMs = 2000,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async refresh(): Promise<void> {
    const state = await this.read();
    const rate =
      state.mode === 'fixed'
        ? 0
        : state.mode === 'real'
          ? 1
          : 86_400 / (state.daySeconds ?? 86_400);
    this.base = { sim: new Date(state.now).getTime(), wall: Date.now(), rate };
  }

  now(): Date {
    return new Date(this.base.sim + (Date.now() - this.base.wall) * this.base.rate);
  }
}
