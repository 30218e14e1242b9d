/**
 * Which posts are due for a harvest, kept in one Redis sorted set per deployment (score: the
 * post's nextHarvestAt on the collector's clock). The store's `posts.nextHarvestAt` stays the
 * truth; this set is its index, rebuilt from the store at start-up, because on the embedded store
 * a "nextHarvestAt <= now" query scans every post (shared/research/ferretdb.md §4a).
 *
 * A tick claims due posts atomically (one Lua script): each claimed post moves from the due set to
 * an in-flight set scored by a wall-clock lease, so two ticks, or two collector processes, never
 * claim the same post; a finished job puts the post back with its next due instant, and a post
 * whose job was lost is put back by the next tick once its lease has run out. The lease is on
 * wall time because the collector's clock may run a simulated day per minute.
 *
 * The lease is short (CLAIM_LEASE_MS) from the claim until the tick has enqueued the post's job,
 * then long (HARVEST_LEASE_MS, covering the job's retries): a process killed between the two
 * steps leaves its claimed posts out of the schedule for a minute, not a quarter of an hour.
 */
import type { Redis } from 'ioredis';

export interface ScheduledPost {
  accountId: string;
  postId: string;
  externalId: string;
}

/** KEYS: due, in-flight. ARGV: now (collector clock), lease end (wall), max. */
const CLAIM = `
local items = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, m in ipairs(items) do
  redis.call('ZREM', KEYS[1], m)
  redis.call('ZADD', KEYS[2], ARGV[2], m)
end
return items`;

/** KEYS: due, in-flight. ARGV: wall now, collector now. Returns how many were put back. */
const REAP = `
local items = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
for _, m in ipairs(items) do
  redis.call('ZREM', KEYS[2], m)
  redis.call('ZADD', KEYS[1], ARGV[2], m)
end
return #items`;

const member = (p: ScheduledPost) => `${p.accountId}|${p.postId}|${p.externalId}`;

function parse(m: string): ScheduledPost {
  const first = m.indexOf('|');
  const second = m.indexOf('|', first + 1);
  return {
    accountId: m.slice(0, first),
    postId: m.slice(first + 1, second),
    externalId: m.slice(second + 1),
  };
}

/** How long a claimed post may stay in flight (wall time) before a tick hands it out again. */
export const HARVEST_LEASE_MS = 15 * 60 * 1000;
/** The lease between the claim and the enqueue of the post's job (see extend()). */
export const CLAIM_LEASE_MS = 60 * 1000;

export class HarvestSchedule {
  readonly key: string;
  readonly inFlightKey: string;
  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly wallNow: () => number = Date.now,
  ) {
    this.key = `${prefix}:harvest:due`;
    this.inFlightKey = `${prefix}:harvest:in-flight`;
  }

  /** Sets when each post is due next (ending its lease); null takes it off the schedule. */
  async set(entries: readonly (ScheduledPost & { at: Date | null })[]): Promise<void> {
    if (entries.length === 0) return;
    const multi = this.redis.multi();
    for (const e of entries) {
      multi.zrem(this.inFlightKey, member(e));
      if (e.at === null) multi.zrem(this.key, member(e));
      else multi.zadd(this.key, e.at.getTime(), member(e));
    }
    await multi.exec();
  }

  /**
   * Claims up to `max` posts due at `now` (collector clock), leased for `leaseMs` (wall time);
   * once their jobs are enqueued, extend() lengthens the lease to cover the jobs.
   */
  async claim(now: Date, max: number, leaseMs = HARVEST_LEASE_MS): Promise<ScheduledPost[]> {
    const items = (await this.redis.eval(
      CLAIM,
      2,
      this.key,
      this.inFlightKey,
      String(now.getTime()),
      String(this.wallNow() + leaseMs),
      String(max),
    )) as string[];
    return items.map(parse);
  }

  /**
   * Lengthens the lease of posts still in flight (ZADD XX: a post whose job already finished, and
   * so left the in-flight set, is not put back).
   */
  async extend(posts: readonly ScheduledPost[], leaseMs = HARVEST_LEASE_MS): Promise<void> {
    const until = this.wallNow() + leaseMs;
    for (let i = 0; i < posts.length; i += 1000) {
      const args: (string | number)[] = [];
      for (const p of posts.slice(i, i + 1000)) args.push(until, member(p));
      await this.redis.zadd(this.inFlightKey, 'XX', ...args);
    }
  }

  /** Puts posts whose lease ran out (their job was lost) back as due at `now`. */
  async reap(now: Date): Promise<number> {
    return (await this.redis.eval(
      REAP,
      2,
      this.key,
      this.inFlightKey,
      String(this.wallNow()),
      String(now.getTime()),
    )) as number;
  }

  inFlight(): Promise<number> {
    return this.redis.zcard(this.inFlightKey);
  }

  /** Posts due at or before `at` (for `status`). */
  dueCount(at: Date): Promise<number> {
    return this.redis.zcount(this.key, '-inf', at.getTime());
  }

  size(): Promise<number> {
    return this.redis.zcard(this.key);
  }

  /** The next few entries with their due instants (for `status`). */
  async upcoming(limit: number): Promise<(ScheduledPost & { at: Date })[]> {
    const raw = await this.redis.zrange(this.key, 0, limit - 1, 'WITHSCORES');
    const out: (ScheduledPost & { at: Date })[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      out.push({ ...parse(raw[i]!), at: new Date(Number(raw[i + 1])) });
    }
    return out;
  }
}

/** KEYS: due, in-flight. ARGV: score, member, score, member, … Adds what is neither due nor in flight. */
const RESTORE = `
local added = 0
for i = 1, #ARGV, 2 do
  local m = ARGV[i + 1]
  if not redis.call('ZSCORE', KEYS[2], m) and not redis.call('ZSCORE', KEYS[1], m) then
    redis.call('ZADD', KEYS[1], ARGV[i], m)
    added = added + 1
  end
end
return added`;

/**
 * Puts back every post the store says is due some day but the schedule does not know (Redis was
 * emptied or replaced). One pass over the posts at start-up; the hot path never scans them.
 */
export async function restoreScheduleFromStore(
  redis: Redis,
  schedule: HarvestSchedule,
  posts: AsyncIterable<{
    _id: unknown;
    accountId: unknown;
    externalId: string;
    nextHarvestAt: Date | null;
  }>,
): Promise<number> {
  let added = 0;
  let chunk: string[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    added += (await redis.eval(RESTORE, 2, schedule.key, schedule.inFlightKey, ...chunk)) as number;
    chunk = [];
  };
  for await (const p of posts) {
    if (!p.nextHarvestAt) continue;
    chunk.push(
      String(p.nextHarvestAt.getTime()),
      member({ accountId: String(p.accountId), postId: String(p._id), externalId: p.externalId }),
    );
    if (chunk.length >= 1000) await flush();
  }
  await flush();
  return added;
}
