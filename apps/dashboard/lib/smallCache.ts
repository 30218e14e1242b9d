import 'server-only';
import { bumpDataVersion } from './dataVersion';

/**
 * A few seconds of memory for reads of small, rarely changed documents (projects, a year's
 * settings, a session's user) that every request would otherwise fetch again: under load that
 * is most of the store's work. A change made through this process clears its entries at once
 * (`forgetCached`); another dashboard process sees it within `ttlMs`.
 */
type Entries = Map<string, { at: number; value: Promise<unknown> }>;
// On globalThis, as the store and the read model are: the production build gives route handlers
// and server actions separate copies of this module, so a module-level Map would let a route
// handler keep a session that a server action (sign-out everywhere, disabling) just ended.
const holder = globalThis as typeof globalThis & { __reachlineSmallCache?: Entries };
const entries: Entries = (holder.__reachlineSmallCache ??= new Map() as Entries);

export function cachedFor<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && now - hit.at < ttlMs) return hit.value as Promise<T>;
  // A real promise (a mongoose Query is a thenable that runs again, and fails, when re-awaited).
  const value = Promise.resolve().then(load);
  entries.set(key, { at: now, value });
  value.catch(() => entries.delete(key)); // never keep a failure
  if (entries.size > 10_000) entries.delete(entries.keys().next().value!);
  return value;
}

/** Forgets the entries whose key starts with `prefix` (all of them without one). */
export function forgetCached(prefix = ''): void {
  for (const key of entries.keys()) if (key.startsWith(prefix)) entries.delete(key);
  bumpDataVersion(); // what was read through this cache may be on a cached page
}

/** How long cached reads live: a change made in another dashboard process shows after this. */
export const SMALL_CACHE_TTL_MS = 5_000;
