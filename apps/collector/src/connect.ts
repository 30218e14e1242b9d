/**
 * Connections to the two services the collector needs. Each failure becomes one sentence that
 * names the host (never the password) and the variable to fix.
 */
import { Redis } from 'ioredis';
import { serviceHostOf as hostOf } from '@reachline/shared/config';
import mongoose from 'mongoose';

export class StartupError extends Error {
  override name = 'StartupError';
}

export async function connectStore(uri: string, timeoutMs = 5_000): Promise<mongoose.Connection> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    autoIndex: false,
    autoCreate: true,
  });
  try {
    await conn.asPromise();
    await conn.db?.admin().ping();
    return conn;
  } catch (err) {
    await conn.close(true).catch(() => undefined);
    const reason = (err as Error).message.split('\n')[0];
    throw new StartupError(
      `Cannot reach MongoDB at ${hostOf(uri)} (${reason}): check MONGODB_URI and that the server is running.`,
    );
  }
}

/** Reports a running connection's outage once, and its recovery. */
export interface OutageReporter {
  down(reason: string): void;
  up(): void;
}

/**
 * A Redis connection suitable for BullMQ (maxRetriesPerRequest: null), verified with PING.
 * During start-up it does not retry for long: an unreachable Redis is a configuration error.
 * Once connected it retries forever (BullMQ's production advice), backing off to 5 s, and
 * reports the outage once and the recovery once, instead of an error per retry.
 */
export async function connectRedis(
  url: string,
  timeoutMs = 5_000,
  outage?: OutageReporter,
): Promise<Redis> {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    retryStrategy: (times) => (times > 3 ? null : Math.min(times * 200, 1_000)),
  });
  redis.on('error', () => undefined); // surfaced through connect() below
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const reason = (err as Error).message.split('\n')[0];
    throw new StartupError(
      `Cannot reach Redis at ${hostOf(url)} (${reason}): check REDIS_URL and that the server is running.`,
    );
  }
  redis.options.retryStrategy = (times) => Math.min(times * 250, 5_000);
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    outage?.down(err.message.split('\n')[0] ?? 'connection lost');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    outage?.up();
  });
  return redis;
}
