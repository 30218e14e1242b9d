/**
 * A short Redis lock around read-compute-write steps that must not interleave across collector
 * processes (a story's roll-up, a year's figures): FerretDB has no transactions and its `$inc` is
 * not atomic under concurrency, so the collector serialises those few writes itself.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
}

export async function withLock<T>(
  redis: Redis,
  key: string,
  work: () => Promise<T>,
  { ttlMs = 30_000, waitMs = 60_000 }: { ttlMs?: number; waitMs?: number } = {},
): Promise<T> {
  const token = randomBytes(12).toString('hex');
  const deadline = Date.now() + waitMs;
  let pause = 5;
  while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
    if (Date.now() > deadline)
      throw new LockTimeoutError(`lock ${key} not free within ${waitMs} ms`);
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 100);
  }
  try {
    return await work();
  } finally {
    await redis.eval(RELEASE, 1, key, token);
  }
}
