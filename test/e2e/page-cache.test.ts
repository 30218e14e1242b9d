/**
 * The dashboard's page cache (apps/dashboard/lib/pageCache/pageCache.ts behind front.mjs), on the
 * production build with the embedded store and Redis: a repeated page is answered from memory
 * with the same bytes and headers; a collector event, or a change announced by another dashboard
 * process, makes the next answer a fresh render with the new figures; a kept page is never given
 * to another session, a viewer, a signed-out or expired cookie, or a client-side navigation; and
 * PAGE_CACHE_SECONDS=0 turns it off.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { CHANNELS, encodeEvent } from '@reachline/shared';
import { loadFy2564 } from '@reachline/shared/data';
import {
  createModels,
  ensureIndexes,
  kpiFiguresId,
  type ReachlineModels,
} from '@reachline/shared/models';
import { importFy2564 } from '@reachline/shared/seed';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardValues, type RunningDashboard, startTestDashboard } from '../helpers/dashboard';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
const SESSION_SECRET = randomBytes(32).toString('hex');
let models: ReachlineModels;
let dashboard: RunningDashboard;
let redis: Redis;
let adminId: string;
let viewerId: string;

/** A session row written into the store as the dashboard writes one; its Cookie header. */
async function plantSession(userId: string, expiresAt = new Date(Date.now() + 3_600_000)) {
  const token = randomBytes(32).toString('base64url');
  const _id = createHmac('sha256', SESSION_SECRET).update(token).digest('hex');
  const user = await models.User.findById(userId).lean();
  await models.Session.create({ _id, userId, role: user!.role, expiresAt });
  return { cookie: `reachline_session=${token}`, sessionId: _id };
}

async function get(path: string, cookie: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${dashboard.url}${path}`, {
    headers: { cookie, ...headers },
    redirect: 'manual',
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** Waits until the dashboard keeps pages (it does once it hears the collector's events). */
async function untilKept(path: string, cookie: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const first = await get(path, cookie);
    const second = await get(path, cookie);
    if (second.headers.get('x-page-cache') === 'hit') return { first, second };
    if (Date.now() > deadline)
      throw new Error(`${path} was never answered from the cache (last: ${second.status})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** What the collector's roll-up publishes after it wrote a story and the year's figures. */
async function publishStoryChanged() {
  const story = await models.Story.findOne({}).lean();
  await redis.publish(
    CHANNELS.storyChanged,
    encodeEvent({
      type: 'story-changed',
      storyId: String(story!._id),
      fiscalYear: story!.period.fiscalYear,
      monthKey: story!.period.monthKey,
      reach: story!.reach,
      passed: story!.passed,
      crossedThreshold: false,
      at: new Date().toISOString(),
    }),
  );
}

beforeAll(async () => {
  models = createModels(db.connection);
  await ensureIndexes(models);
  await importFy2564(models, loadFy2564());
  const admin = await models.User.create({
    email: 'cache-admin@reachline.test',
    passwordHash: 'x'.repeat(60),
    role: 'admin',
    displayName: 'cache admin',
  });
  const viewer = await models.User.create({
    email: 'cache-viewer@reachline.test',
    passwordHash: 'x'.repeat(60),
    role: 'viewer',
    displayName: 'cache viewer',
  });
  adminId = String(admin._id);
  viewerId = String(viewer._id);
  redis = new Redis(db.redisUrl);
  dashboard = await startTestDashboard({
    MONGODB_URI: db.mongoUri,
    REDIS_URL: db.redisUrl,
    QUEUE_PREFIX: db.prefix,
    SESSION_SECRET,
  });
});

afterAll(async () => {
  await dashboard?.stop();
  redis?.disconnect();
});

describe('the page cache', () => {
  it('answers a repeated page with the same bytes and headers, and renders again after a collector event', async () => {
    const { cookie } = await plantSession(adminId);
    const { first, second } = await untilKept('/?fy=2564', cookie);
    expect(second.status).toBe(200);
    expect(second.body).toBe(first.body);
    for (const name of [
      'content-type',
      'content-security-policy',
      'x-frame-options',
      'x-content-type-options',
      'referrer-policy',
      'cache-control',
    ])
      expect([name, second.headers.get(name)]).toEqual([name, first.headers.get(name)]);
    expect(second.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(cardValues(second.body)['kpi-passed']).toBe('69');

    // The collector writes the year's figures, then publishes: the next answer is a new render.
    const figures = kpiFiguresId(2564);
    await models.KpiFigures.updateOne({ _id: figures }, { $inc: { passed: -1 } });
    try {
      await publishStoryChanged();
      await expect
        .poll(async () => cardValues((await get('/?fy=2564', cookie)).body)['kpi-passed'], {
          timeout: 10_000,
        })
        .toBe('68');
    } finally {
      await models.KpiFigures.updateOne({ _id: figures }, { $inc: { passed: 1 } });
      await publishStoryChanged();
    }
    await expect
      .poll(async () => cardValues((await get('/?fy=2564', cookie)).body)['kpi-passed'], {
        timeout: 10_000,
      })
      .toBe('69');
  });

  it('drops kept pages when another dashboard process announces a change', async () => {
    const { cookie } = await plantSession(adminId);
    await untilKept('/stories', cookie);
    await redis.publish(
      CHANNELS.dashboardChanged,
      encodeEvent({
        type: 'dashboard-changed',
        storyIds: [],
        by: 'dashboard-another-process',
        at: new Date().toISOString(),
      }),
    );
    await expect
      .poll(async () => (await get('/stories', cookie)).headers.get('x-page-cache'), {
        timeout: 10_000,
      })
      .toBe('miss');
  });

  it('never gives a kept page to another session, a viewer, or a navigation request', async () => {
    const admin = await plantSession(adminId);
    const kept = await untilKept('/stories', admin.cookie);

    // Another session of the same user: its own render first.
    const other = await plantSession(adminId);
    expect((await get('/stories', other.cookie)).headers.get('x-page-cache')).toBe('miss');

    // A viewer: rendered for the viewer, without the admin's navigation.
    const viewer = await plantSession(viewerId);
    const asViewer = await get('/stories', viewer.cookie);
    expect(asViewer.headers.get('x-page-cache')).toBe('miss');
    expect(kept.second.body).toContain('href="/admin"');
    expect(asViewer.body).not.toContain('href="/admin"');

    // No cookie, or a cookie of no session: the sign-in redirect, never the kept page.
    for (const cookie of ['', 'reachline_session=not-a-session']) {
      const res = await get('/stories', cookie);
      expect(res.status).toBe(307);
      expect(res.headers.get('location')).toMatch(/^\/login\?next=/);
      expect(res.headers.get('x-page-cache')).not.toBe('hit');
    }

    // A client-side navigation asks for the RSC payload: always left to Next.js (the cache marks
    // every answer it touches, hit or miss).
    const navigations: Record<string, string>[] = [
      { rsc: '1' },
      { 'next-router-prefetch': '1', rsc: '1' },
    ];
    for (const headers of navigations) {
      const rsc = await get('/stories', admin.cookie, headers);
      expect(rsc.headers.get('x-page-cache')).toBeNull();
      expect(rsc.body).not.toBe(kept.second.body);
    }
  });

  it('stops answering a session that ended or expired', async () => {
    const ending = await plantSession(adminId);
    await untilKept('/?fy=2564', ending.cookie);
    await models.Session.deleteOne({ _id: ending.sessionId }); // revoked elsewhere
    // The dashboard keeps a session's check for at most 5 s (SMALL_CACHE_TTL_MS).
    await expect
      .poll(async () => (await get('/?fy=2564', ending.cookie)).status, { timeout: 10_000 })
      .toBe(307);

    const expiring = await plantSession(adminId, new Date(Date.now() + 8_000));
    await untilKept('/?fy=2564', expiring.cookie);
    await new Promise((r) => setTimeout(r, 8_500));
    await expect
      .poll(async () => (await get('/?fy=2564', expiring.cookie)).status, { timeout: 10_000 })
      .toBe(307);
  });

  it('answers the read API again for the same token or session, and stops when the token is revoked', async () => {
    const token = randomBytes(24).toString('base64url');
    const _id = createHash('sha256').update(token).digest('hex');
    await models.ApiToken.create({
      _id,
      name: 'page cache',
      prefix: token.slice(0, 8),
      createdBy: adminId,
    });
    const bearer = { authorization: `Bearer ${token}` };
    const path = '/api/v1/stories?fy=2564&page=2';
    const deadline = Date.now() + 30_000;
    let first = await get(path, '', bearer);
    let second = await get(path, '', bearer);
    while (second.headers.get('x-page-cache') !== 'hit') {
      if (Date.now() > deadline) throw new Error(`${path} was never answered from the cache`);
      await new Promise((r) => setTimeout(r, 250));
      first = await get(path, '', bearer);
      second = await get(path, '', bearer);
    }
    expect(second.status).toBe(200);
    expect(second.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(second.body)).toEqual(JSON.parse(first.body));
    expect((JSON.parse(second.body) as { items: unknown[] }).items.length).toBeGreaterThan(0);

    // Another caller with no right, or another token, never gets it.
    const stranger = await get(path, '', { authorization: `Bearer ${'x'.repeat(40)}` });
    expect(stranger.status).toBe(401);
    expect(stranger.headers.get('x-page-cache')).not.toBe('hit');

    // Revoked (by another program: the dashboard keeps a token's check for at most 5 s).
    await models.ApiToken.updateOne({ _id }, { $set: { revoked: true } });
    await expect
      .poll(async () => (await get(path, '', bearer)).status, { timeout: 10_000 })
      .toBe(401);
  });

  it('is off with PAGE_CACHE_SECONDS=0', async () => {
    const off = await startTestDashboard({
      MONGODB_URI: db.mongoUri,
      REDIS_URL: db.redisUrl,
      QUEUE_PREFIX: db.prefix,
      SESSION_SECRET,
      PAGE_CACHE_SECONDS: '0',
    });
    try {
      const { cookie } = await plantSession(adminId);
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${off.url}/?fy=2564`, { headers: { cookie } });
        expect(res.status).toBe(200);
        expect(res.headers.get('x-page-cache')).toBeNull();
        await res.text();
      }
    } finally {
      await off.stop();
    }
  });
});
