/**
 * An expired token pauses its own account and nothing else. Facebook's token expires between
 * discovery and harvest (the harvest finds out), later X's before a step (discovery finds out);
 * each time the account is marked `expired` in the store, one `account-status-changed` event
 * goes out on Redis, the paused account is not called again, and every other account's due
 * posts are harvested in the same step.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, decodeEvent, type AccountStatusChangedEvent } from '@reachline/shared';
import { accountObjectId } from '@reachline/shared/models';
import {
  ACCOUNT_IDS,
  buildDataset,
  catalogAt,
  lastSeq,
  requestsSince,
  setInfographicRule,
  startProbeCollector,
  type ProbeCollector,
  type SimRequest,
} from '../helpers/collectorProbe';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
const PLATFORMS = ['facebook', 'instagram', 'x', 'youtube', 'tiktok', 'line'] as const;
type P = (typeof PLATFORMS)[number];
const DAY = 86_400_000;

let c: ProbeCollector;
let sub: Redis;
const events: AccountStatusChangedEvent[] = [];
const t1 = new Date('2025-03-25T12:00:00+07:00');
const t2 = new Date(t1.getTime() + DAY);
const t3 = new Date(t2.getTime() + DAY);
/** The catalog's infographics per platform (LINE by unit): every one is due at t2 and t3. */
const due = new Map<P, string[]>();
let step2Calls: SimRequest[] = [];
let step3Calls: SimRequest[] = [];

const tokenOf = (platform: P) => c.sim.accounts.find((a) => a.platform === platform)!.token;
const accountId = (platform: P) => String(accountObjectId(platform, ACCOUNT_IDS[platform]));

/** External ids of the posts of `platform` with a snapshot captured at `at`. */
async function harvestedAt(platform: P, at: Date): Promise<string[]> {
  const snaps = await c.models.ReachSnapshot.find({ capturedAt: at }, { postId: 1 }).lean();
  const posts = await c.models.Post.find(
    { _id: { $in: snaps.map((s) => s.postId) }, platform },
    { externalId: 1 },
  ).lean();
  return posts.map((p) => p.externalId).sort();
}

async function tokenStatuses(): Promise<Record<string, string>> {
  const accounts = await c.models.Account.find({}, { platform: 1, tokenStatus: 1 }).lean();
  return Object.fromEntries(accounts.map((a) => [a.platform, a.tokenStatus]));
}

beforeAll(async () => {
  sub = new Redis(db.redisUrl);
  await sub.subscribe(CHANNELS.accountStatusChanged);
  sub.on('message', (channel: string, message: string) => {
    const e = decodeEvent(channel, message);
    if (e?.type === 'account-status-changed') events.push(e);
  });
  c = await startProbeCollector(db, {
    start: t1,
    sim: {
      dataset: {
        data: buildDataset({
          // 7 to 15 days old at t1: read every 6 hours, so all are due again a day later.
          from: new Date(t1.getTime() - 15 * DAY),
          spacingMs: 2 * 3_600_000,
          platforms: {
            facebook: { infographics: 60 },
            instagram: { infographics: 6 },
            x: { infographics: 12 },
            youtube: { infographics: 6 },
            tiktok: { infographics: 25 },
            line: { infographics: 6 },
          },
        }),
      },
    },
  });
  await setInfographicRule(c.models, 2568);
  await c.step();
  for (const p of PLATFORMS) {
    due.set(
      p,
      (await catalogAt(c.admin, p, t1))
        .filter((x) => x.infographic)
        .map((x) => x.unit ?? x.id)
        .sort(),
    );
  }

  // Step 2: Facebook's token expires after discovery; the harvest meets it.
  await c.setTime(t2);
  await c.discover();
  await c.admin.updateToken(tokenOf('facebook'), { status: 'expired' });
  let seq = await lastSeq(c.admin);
  await c.harvest();
  step2Calls = await requestsSince(c.admin, seq);

  // Step 3: X's token expires before the step; discovery meets it.
  await c.setTime(t3);
  await c.admin.updateToken(tokenOf('x'), { status: 'expired' });
  seq = await lastSeq(c.admin);
  await c.step();
  step3Calls = await requestsSince(c.admin, seq);
  // Pub/sub is asynchronous: let the last messages arrive.
  await new Promise((r) => setTimeout(r, 200));
}, 120_000);

afterAll(async () => {
  sub?.disconnect();
  await c?.close();
});

describe('the first step', () => {
  it('harvested every account (the premise)', async () => {
    expect(due.get('facebook')).toHaveLength(60);
    for (const p of PLATFORMS) expect(await harvestedAt(p, t1), p).toEqual(due.get(p));
  });
});

describe('Facebook’s token expired, found by the harvest', () => {
  it('marks Facebook expired and no other account', async () => {
    const statuses = await tokenStatuses();
    expect(statuses.facebook).toBe('expired');
    expect(statuses.instagram).toBe('ok');
    expect(statuses.youtube).toBe('ok');
    expect(statuses.tiktok).toBe('ok');
    expect(statuses.line).toBe('ok');
  });

  it('still harvests every other account’s due posts in the same step', async () => {
    expect(await harvestedAt('facebook', t2)).toEqual([]);
    for (const p of ['instagram', 'x', 'youtube', 'tiktok', 'line'] as const) {
      expect(await harvestedAt(p, t2), p).toEqual(due.get(p));
    }
  });

  it('asked Facebook at most once per batch, each refused, and did not retry', () => {
    const fb = step2Calls.filter((r) => r.platform === 'facebook');
    expect(fb.length).toBeGreaterThanOrEqual(1);
    expect(fb.length).toBeLessThanOrEqual(Math.ceil(60 / 50));
    expect(fb.map((r) => `${r.method} ${r.status}`)).toEqual(fb.map(() => 'POST 400'));
  });

  it('publishes one account-status-changed event for Facebook', () => {
    const mine = events.filter((e) => e.accountId === accountId('facebook'));
    expect(mine).toEqual([
      {
        type: 'account-status-changed',
        accountId: accountId('facebook'),
        platform: 'facebook',
        tokenStatus: 'expired',
        at: t2.toISOString(),
      },
    ]);
  });
});

describe('X’s token expired, found by discovery', () => {
  it('marks X expired; Facebook stays expired; the rest stay ok', async () => {
    expect(await tokenStatuses()).toEqual({
      facebook: 'expired',
      instagram: 'ok',
      x: 'expired',
      youtube: 'ok',
      tiktok: 'ok',
      line: 'ok',
    });
  });

  it('calls neither paused account again beyond the one refused listing', () => {
    expect(step3Calls.filter((r) => r.platform === 'facebook')).toEqual([]);
    const x = step3Calls.filter((r) => r.platform === 'x');
    expect(x).toHaveLength(1);
    expect(x[0]!.status).toBe(401);
  });

  it('still harvests the other accounts’ due posts in the same step', async () => {
    expect(await harvestedAt('facebook', t3)).toEqual([]);
    expect(await harvestedAt('x', t3)).toEqual([]);
    for (const p of ['instagram', 'youtube', 'tiktok', 'line'] as const) {
      expect(await harvestedAt(p, t3), p).toEqual(due.get(p));
    }
  });

  it('publishes one account-status-changed event for X', () => {
    const mine = events.filter((e) => e.accountId === accountId('x'));
    expect(mine).toEqual([
      {
        type: 'account-status-changed',
        accountId: accountId('x'),
        platform: 'x',
        tokenStatus: 'expired',
        at: t3.toISOString(),
      },
    ]);
  });

  it('keeps the paused accounts’ posts scheduled, without a post-level error', async () => {
    const errors = await c.models.Post.countDocuments({
      platform: { $in: ['facebook', 'x'] },
      harvestError: { $ne: null },
    });
    expect(errors).toBe(0);
  });
});
