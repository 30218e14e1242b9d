import type { DiscoveredPost, DiscoveryOptions } from './types';

/**
 * Posts of a newest-first page that fall in [since, until], and whether the page went past
 * `since` (so older pages need not be read).
 */
export function withinWindow(
  posts: DiscoveredPost[],
  options: DiscoveryOptions,
): { kept: DiscoveredPost[]; reachedSince: boolean } {
  const kept: DiscoveredPost[] = [];
  let reachedSince = false;
  for (const p of posts) {
    if (options.until && p.publishedAt > options.until) continue;
    if (options.since && p.publishedAt < options.since) {
      reachedSince = true;
      continue;
    }
    kept.push(p);
  }
  return { kept, reachedSince };
}
