/**
 * Quota cooldowns shared by every collector process through Redis: one per platform app and one
 * per account. Set when a platform throttles us (for as long as it says) and, before that, when
 * its usage headers pass SLOW_DOWN_PERCENT, so the collector slows down before the limit rather
 * than after. On wall time: platforms count real seconds whatever the collector's clock says.
 */
import type { Redis } from 'ioredis';
import type { Platform } from '@reachline/shared';
import type { PlatformError, UsageReport } from '../connectors/types';

/** A platform's wait when it names none. */
export const DEFAULT_THROTTLE_WAIT_MS = 60_000;

/** Usage at or above this share of a platform's quota pauses the app or account. */
export const SLOW_DOWN_PERCENT = 90;
/** How long to pause near the limit when the platform gives no reset time. */
export const NEAR_LIMIT_PAUSE_MS = 60_000;

/** Keeps the later of the current and the new instant (a shorter wait never shortens a longer). */
const EXTEND = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local want = tonumber(ARGV[1])
if want > cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;

export class Cooldowns {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly wallNow: () => number = Date.now,
  ) {}

  private appKey(platform: Platform): string {
    return `${this.prefix}:cooldown:app:${platform}`;
  }
  private accountKey(platform: Platform, accountExternalId: string): string {
    return `${this.prefix}:cooldown:account:${platform}:${accountExternalId}`;
  }

  /** The wall instant (ms) before which no call may be made for this account, or 0. */
  async until(platform: Platform, accountExternalId: string): Promise<number> {
    const [app, account] = await this.redis.mget(
      this.appKey(platform),
      this.accountKey(platform, accountExternalId),
    );
    const until = Math.max(Number(app ?? 0), Number(account ?? 0));
    return until > this.wallNow() ? until : 0;
  }

  /** Pauses the app or the account until `untilMs` (wall). */
  async pause(
    platform: Platform,
    scope: 'app' | 'account',
    accountExternalId: string | undefined,
    untilMs: number,
  ): Promise<void> {
    const key =
      scope === 'app' || accountExternalId === undefined
        ? this.appKey(platform)
        : this.accountKey(platform, accountExternalId);
    const ttl = Math.max(1, Math.ceil(untilMs - this.wallNow()));
    await this.redis.eval(EXTEND, 1, key, String(untilMs), String(ttl));
  }

  /**
   * Pauses what a throttling error concerns (the app or the account) for as long as the platform
   * said; returns the wall instant the pause ends.
   */
  async pauseFor(error: PlatformError, accountExternalId: string): Promise<number> {
    const until = this.wallNow() + (error.details.waitMs ?? DEFAULT_THROTTLE_WAIT_MS);
    await this.pause(error.platform, error.details.scope ?? 'account', accountExternalId, until);
    return until;
  }

  /** Reads one answer's usage figures; near the limit, pauses until the reset (or a minute). */
  async record(usage: UsageReport): Promise<void> {
    const nearLimit =
      (usage.usagePercent !== undefined && usage.usagePercent >= SLOW_DOWN_PERCENT) ||
      usage.remaining === 0;
    if (!nearLimit) return;
    const until = usage.resetAt?.getTime() ?? this.wallNow() + NEAR_LIMIT_PAUSE_MS;
    await this.pause(usage.platform, usage.scope, usage.accountExternalId, until);
  }
}
