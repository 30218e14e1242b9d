/** State every platform handler reads: data, clock, tokens, faults, limits. */
import type { SimClock } from './clock';
import type { Dataset, SimPost } from './dataset';
import type { Faults } from './faults';
import type { LimitSettings } from './rateLimits';
import type { TokenStore } from './tokens';

export interface Behaviour {
  /** Facebook/Instagram: roughly one cursor in N first answers an empty page that has `next` (0 = never). */
  emptyPageEvery: number;
}

export interface SimContext {
  clock: SimClock;
  dataset: Dataset;
  tokens: TokenStore;
  faults: Faults;
  limits: LimitSettings;
  behaviour: Behaviour;
  /** Wall clock for quotas and rate-limit windows (tests may inject their own). */
  wall: () => number;
  /** Ids of posts deleted through the admin API. */
  deleted: Set<string>;
  /** Live mode: publishes the posts due by a simulated instant (called before every request). */
  live?: { sync(now: number): void };
}

/** A post exists for API callers once published (simulated time) and until deleted. */
export function isLive(ctx: SimContext, post: SimPost, now: number): boolean {
  return post.publishedAt <= now && !ctx.deleted.has(post.id);
}
