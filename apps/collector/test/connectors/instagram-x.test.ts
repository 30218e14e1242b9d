/** Instagram and X specifics: IG retired metrics and withheld insights, usage reports of both. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type TestSim } from './helpers';

let t: TestSim;

beforeAll(async () => {
  // A small IG quota, so a few calls already show in the BUC header (≥ 5 %).
  t = await startSim({ limits: { instagram: { callQuota: 40 } } });
});
afterAll(() => t.close());
beforeEach(() => t.reset());

describe('Instagram retired metrics', () => {
  it('a retired optional metric is dropped once, reach still arrives', async () => {
    const catalog = (await t.catalog('instagram')).slice(0, 6);
    await t.admin.setFaults({ retiredMetrics: { instagram: ['views'] } });
    const connector = t.connector('instagram');
    const r = await connector.readReach(
      t.account('instagram'),
      catalog.map((p) => p.id),
    );
    expect(r.failures).toEqual([]);
    expect(r.droppedMetrics).toEqual(['views']);
    expect(new Map(r.readings.map((x) => [x.externalId, x.reach]))).toEqual(
      new Map(catalog.map((p) => [p.id, p.finalReach])),
    );
    for (const x of r.readings) expect(x.metrics).not.toHaveProperty('views');

    const before = await t.lastSeq();
    const next = await connector.readReach(t.account('instagram'), [catalog[0]?.id ?? '']);
    expect(next.droppedMetrics).toEqual([]);
    expect(next.apiCalls).toBe(1);
    expect(await t.requestsSince('instagram', before)).toBe(1);
  });

  it('“Not enough viewers” is a reading with reach null, not a failure', async () => {
    const [post] = await t.catalog('instagram');
    // One minute after publication the reach is still under 5.
    await t.admin.setClock({
      mode: 'fixed',
      at: new Date(Date.parse(post?.publishedAt ?? '') + 60_000).toISOString(),
    });
    const r = await t.connector('instagram').readReach(t.account('instagram'), [post?.id ?? '']);
    expect(r.failures).toEqual([]);
    expect(r.readings).toEqual([
      { externalId: post?.id, reach: null, metric: 'reach', metrics: {}, raw: null },
    ]);
  });
});

describe('usage reports', () => {
  it('Instagram: the BUC percentage of the IG account', async () => {
    const ids = (await t.catalog('instagram')).slice(0, 8).map((p) => p.id);
    await t.connector('instagram').readReach(t.account('instagram'), ids);
    const reports = t.usage.filter((u) => u.platform === 'instagram');
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.every((u) => u.scope === 'account')).toBe(true);
    expect(reports.every((u) => u.accountExternalId === t.account('instagram').externalId)).toBe(
      true,
    );
    // 8 calls of a 40-call quota: the last report says 20 %.
    expect(Math.max(...reports.map((u) => u.usagePercent ?? 0))).toBe(20);
  });

  it('X: calls remaining and when the window resets, after every answer', async () => {
    const ids = (await t.catalog('x')).slice(0, 5).map((p) => p.id);
    const connector = t.connector('x');
    await connector.readReach(t.account('x'), ids);
    await connector.readReach(t.account('x'), ids);
    const reports = t.usage.filter((u) => u.platform === 'x');
    expect(reports).toHaveLength(2);
    expect(reports.map((u) => u.remaining)).toEqual([4999, 4998]);
    for (const u of reports) {
      expect(u.scope).toBe('account');
      expect(u.accountExternalId).toBe(t.account('x').externalId);
      expect(u.resetAt?.getTime()).toBeGreaterThan(Date.now());
      expect(u.resetAt?.getTime()).toBeLessThanOrEqual(Date.now() + 15 * 60_000 + 1000);
    }
  });

  it('X: the usage of a refused (429) answer is reported too', async () => {
    await t.admin.setFaults({ throttle: ['x'] });
    await expect(t.connector('x').readReach(t.account('x'), ['1'])).rejects.toMatchObject({
      failureClass: 'throttled',
    });
    expect(t.usage.filter((u) => u.platform === 'x').map((u) => u.remaining)).toEqual([0]);
  });
});
