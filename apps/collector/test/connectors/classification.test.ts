/**
 * Every failure the simulator can produce, per platform, comes back as the right FailureClass,
 * and no message ever carries a token.
 */
import { PLATFORMS, type Platform } from '@reachline/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PlatformError } from '../../src/connectors/types';
import { discoverAll, platformErrorOf, startSim, type TestSim } from './helpers';

let t: TestSim;
/** Every PlatformError seen in this file, checked for tokens at the end. */
const seen: PlatformError[] = [];

beforeAll(async () => {
  t = await startSim();
});
afterAll(async () => {
  const tokens = t.sim.accounts.map((a) => a.token);
  expect(seen.length).toBeGreaterThan(40);
  for (const e of seen) {
    for (const token of tokens) expect(e.message).not.toContain(token);
    expect(e.message).not.toMatch(/access_token=|key=AIza|Bearer [A-Za-z0-9]/);
  }
  await t.close();
});
beforeEach(() => t.reset());

/** Three posts of the platform (the second one is deleted in the not-found test). */
async function threeIds(platform: Platform): Promise<string[]> {
  return (await t.catalog(platform)).slice(0, 3).map((p) => p.id);
}

async function failingRead(platform: Platform, timeoutMs?: number): Promise<PlatformError> {
  const e = await platformErrorOf(
    t.connector(platform, timeoutMs).readReach(t.account(platform), await threeIds(platform)),
  );
  seen.push(e);
  expect(e.platform).toBe(platform);
  expect(e.message.length).toBeGreaterThan(20);
  return e;
}

/** A discovery run that fails on its first call. */
async function failingDiscovery(platform: Platform): Promise<PlatformError> {
  const e = await platformErrorOf(discoverAll(t.connector(platform), t.account(platform)));
  seen.push(e);
  return e;
}

describe.each(PLATFORMS)('%s failures', (platform) => {
  it('an expired token is token_invalid', async () => {
    await t.admin.updateToken(t.account(platform).token, { status: 'expired' });
    expect((await failingRead(platform)).failureClass).toBe('token_invalid');
    expect((await failingDiscovery(platform)).failureClass).toBe('token_invalid');
  });

  it('a revoked token is token_invalid', async () => {
    await t.admin.updateToken(t.account(platform).token, { status: 'invalid' });
    expect((await failingRead(platform)).failureClass).toBe('token_invalid');
  });

  it('the throttle switch is throttled with a wait', async () => {
    await t.admin.setFaults({ throttle: [platform] });
    const e = await failingRead(platform);
    expect(e.failureClass).toBe('throttled');
    expect(e.details.waitMs).toBeGreaterThan(0);
    expect(e.details.scope).toBe(platform === 'youtube' ? 'app' : 'account');
    expect((await failingDiscovery(platform)).failureClass).toBe('throttled');
  });

  it('5xx answers are retry', async () => {
    await t.admin.setFaults({ errorRate: 1, platforms: [platform] });
    const e = await failingRead(platform);
    expect(e.failureClass).toBe('retry');
    expect(e.details.status).toBeGreaterThanOrEqual(500);
    expect((await failingDiscovery(platform)).failureClass).toBe('retry');
  });

  it('a cut-off JSON body is retry with a clear message', async () => {
    await t.admin.setFaults({ malformedRate: 1, platforms: [platform] });
    const e = await failingRead(platform);
    expect(e.failureClass).toBe('retry');
    expect(e.message).toMatch(/not valid JSON/);
    expect((await failingDiscovery(platform)).message).toMatch(/not valid JSON/);
  });

  it('no answer within the timeout is retry', async () => {
    await t.admin.setFaults({ timeoutRate: 1, timeoutMs: 3000, platforms: [platform] });
    const e = await failingRead(platform, 200);
    expect(e.failureClass).toBe('retry');
    expect(e.message).toMatch(/no answer within 200 ms/);
  });

  it('a deleted post is not_found while the others still arrive', async () => {
    const ids = await threeIds(platform);
    await t.admin.deletePost(ids[1] ?? '');
    const r = await t.connector(platform).readReach(t.account(platform), ids);
    expect(r.readings.map((x) => x.externalId).sort()).toEqual([ids[0], ids[2]].sort());
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]?.externalId).toBe(ids[1]);
    expect(r.failures[0]?.error.failureClass).toBe('not_found');
    seen.push(...r.failures.map((f) => f.error));
  });
});

/** Permissions the simulator checks; X, YouTube (API key) and LINE tokens have none to take. */
const PERMISSIONS: [Platform, string[], string[]][] = [
  // [platform, kept for readReach, kept for discovery]
  ['facebook', ['pages_show_list', 'pages_read_engagement'], ['pages_show_list', 'read_insights']],
  ['instagram', ['instagram_basic', 'pages_read_engagement'], ['instagram_manage_insights']],
  ['tiktok', ['user.info.basic'], ['user.info.basic']],
];

describe.each(PERMISSIONS)('%s without a permission', (platform, forRead, forDiscovery) => {
  it('is permission_missing for readReach and discovery', async () => {
    const token = t.account(platform).token;
    await t.admin.updateToken(token, { permissions: forRead });
    expect((await failingRead(platform)).failureClass).toBe('permission_missing');
    await t.admin.updateToken(token, { permissions: forDiscovery });
    expect((await failingDiscovery(platform)).failureClass).toBe('permission_missing');
  });
});

describe('throttled waits', () => {
  it('X waits until x-rate-limit-reset', async () => {
    await t.admin.setFaults({ throttle: ['x'] });
    const e = await failingRead('x');
    // The simulator's window is 15 minutes from the first call; the header is in whole seconds.
    expect(e.details.waitMs).toBeGreaterThan(14 * 60_000);
    expect(e.details.waitMs).toBeLessThanOrEqual(15 * 60_000 + 1000);
  });

  it('YouTube waits until midnight Pacific', async () => {
    await t.admin.setFaults({ throttle: ['youtube'] });
    const e = await failingRead('youtube');
    expect(e.details.waitMs).toBeLessThanOrEqual(25 * 3_600_000);
    const resumes = new Date(Date.now() + (e.details.waitMs ?? 0));
    const la = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Los_Angeles',
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
    }).format(resumes);
    expect(['00:00', '00:01']).toContain(la);
  });

  it('Facebook waits estimated_time_to_regain_access minutes', async () => {
    await t.admin.setFaults({ throttle: ['facebook'] });
    const e = await failingRead('facebook');
    expect(e.details.code).toBe('80001');
    expect(e.details.waitMs).toBe(60_000);
  });

  it('LINE and TikTok send no headers: a 60 s default', async () => {
    await t.admin.setFaults({ throttle: ['line', 'tiktok'] });
    expect((await failingRead('line')).details.waitMs).toBe(60_000);
    expect((await failingRead('tiktok')).details.waitMs).toBe(60_000);
  });
});

describe('an error answer whose body is cut off', () => {
  it('a bare Graph 400 is retried; a 401 still says the token is bad', async () => {
    await t.admin.updateToken(t.account('facebook').token, { status: 'expired' });
    await t.admin.updateToken(t.account('tiktok').token, { status: 'expired' });
    await t.admin.setFaults({ malformedRate: 1 });
    const fb = await failingRead('facebook');
    expect([fb.failureClass, fb.details.code]).toEqual(['retry', 'malformed_json']);
    expect((await failingRead('tiktok')).failureClass).toBe('token_invalid');
  });
});

describe('the choke point itself', () => {
  it('a connector pointed at nothing gives retry, not a crash', async () => {
    const c = (await import('../../src/connectors/index')).createConnector('x', {
      baseUrl: 'http://127.0.0.1:9',
      timeoutMs: 2000,
    });
    const e = await platformErrorOf(c.readReach(t.account('x'), ['1']));
    seen.push(e);
    expect(e.failureClass).toBe('retry');
    expect(e.message).toMatch(/no answer/);
  });
});
