import 'server-only';
import { dashboardConfig } from '../config';
import { getRedis } from '../redis';

/** Failed sign-ins allowed per email, and per client address, in one window. */
export const LOGIN_LIMITS = { perEmail: 5, perAddress: 30, windowSeconds: 15 * 60 } as const;

const memory = new Map<string, { count: number; until: number }>();

async function count(key: string, peek: boolean): Promise<number> {
  const redis = getRedis();
  if (redis && redis.status === 'ready') {
    if (peek) return Number((await redis.get(key)) ?? 0);
    const n = await redis.incr(key);
    if (n === 1) await redis.expire(key, LOGIN_LIMITS.windowSeconds);
    return n;
  }
  // Without Redis (one process, tests without REDIS_URL) the limit is kept in memory.
  const now = Date.now();
  const entry = memory.get(key);
  const current =
    entry && entry.until > now
      ? entry
      : { count: 0, until: now + LOGIN_LIMITS.windowSeconds * 1000 };
  if (!peek) current.count += 1;
  memory.set(key, current);
  return current.count;
}

// Under QUEUE_PREFIX, as the collector's keys are: two deployments (or test runs) sharing one
// Redis do not lock each other's users out.
const keys = (email: string, address: string) => {
  const prefix = `${dashboardConfig().QUEUE_PREFIX}:login-fail`;
  return [`${prefix}:email:${email.toLowerCase()}`, `${prefix}:addr:${address}`];
};

/** True when this email or address has failed too often in the window (checked before bcrypt). */
export async function loginBlocked(email: string, address: string): Promise<boolean> {
  const [e, a] = keys(email, address);
  const [ne, na] = await Promise.all([count(e!, true), count(a!, true)]);
  return ne >= LOGIN_LIMITS.perEmail || na >= LOGIN_LIMITS.perAddress;
}

export async function recordLoginFailure(email: string, address: string): Promise<void> {
  const [e, a] = keys(email, address);
  await Promise.all([count(e!, false), count(a!, false)]);
}

export async function clearLoginFailures(email: string): Promise<void> {
  const [e] = keys(email, '');
  const redis = getRedis();
  if (redis && redis.status === 'ready') await redis.del(e!);
  memory.delete(e!);
}
