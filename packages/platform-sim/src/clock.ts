/**
 * The simulated clock: reach grows against it. Three modes:
 * - `real`: the wall clock;
 * - `accelerated`: starts at `start` and runs one simulated day per `daySeconds` wall seconds;
 * - `fixed`: stands still at `at` until a test moves it.
 * Quotas and rate-limit windows do NOT use this clock; they run on wall time (see rateLimits.ts).
 */
import { DAY_MS } from './types';

export type ClockMode = 'real' | 'accelerated' | 'fixed';

export interface ClockState {
  mode: ClockMode;
  /** Current simulated instant, ISO 8601. */
  now: string;
  /** Wall seconds per simulated day (accelerated mode only). */
  daySeconds?: number;
}

export type ClockSetting =
  | { mode: 'real' }
  | { mode: 'accelerated'; daySeconds: number; start: number }
  | { mode: 'fixed'; at: number };

export class SimClock {
  private setting: ClockSetting;
  /** Wall instant at which the accelerated clock was (re)started. */
  private wallStart: number;

  constructor(
    setting: ClockSetting,
    private readonly wall: () => number = Date.now,
  ) {
    this.setting = setting;
    this.wallStart = wall();
  }

  set(setting: ClockSetting): void {
    this.setting = setting;
    this.wallStart = this.wall();
  }

  /** Current simulated time in epoch milliseconds. */
  now(): number {
    const s = this.setting;
    switch (s.mode) {
      case 'real':
        return this.wall();
      case 'fixed':
        return s.at;
      case 'accelerated':
        return s.start + ((this.wall() - this.wallStart) * DAY_MS) / (s.daySeconds * 1000);
    }
  }

  /** Move the clock forward by `ms` simulated milliseconds (accelerated or fixed modes). */
  advance(ms: number): void {
    const s = this.setting;
    if (s.mode === 'fixed') this.setting = { mode: 'fixed', at: s.at + ms };
    else if (s.mode === 'accelerated') this.set({ ...s, start: this.now() + ms });
    else this.setting = { mode: 'fixed', at: this.now() + ms };
  }

  state(): ClockState {
    const s = this.setting;
    const base: ClockState = { mode: s.mode, now: new Date(this.now()).toISOString() };
    if (s.mode === 'accelerated') base.daySeconds = s.daySeconds;
    return base;
  }
}
