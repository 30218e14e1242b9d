import 'server-only';
import { Redis } from 'ioredis';
import { dashboardConfig } from './config';

const cache = globalThis as typeof globalThis & { __reachlineRedis?: Redis | null };

/**
 * One Redis connection per server process for commands (login rate limit, queue views), or null
 * when REDIS_URL is unset: the pages still work, live updates and the queue view say they are off.
 * Commands fail fast while Redis is down instead of queueing without bound.
 */
export function getRedis(): Redis | null {
  if (cache.__reachlineRedis !== undefined) return cache.__reachlineRedis;
  const url = dashboardConfig().REDIS_URL;
  cache.__reachlineRedis = url
    ? new Redis(url, {
        lazyConnect: false,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: true,
        retryStrategy: (times) => Math.min(times * 200, 2_000),
      })
    : null;
  cache.__reachlineRedis?.on('error', () => undefined); // reconnects by itself; pages say so
  return cache.__reachlineRedis;
}

/** A second connection in subscriber mode (a subscribed ioredis connection takes no commands). */
export function newSubscriber(): Redis | null {
  const url = dashboardConfig().REDIS_URL;
  if (!url) return null;
  const sub = new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  sub.on('error', () => undefined);
  return sub;
}
