/** Facebook specifics: batch items answered null or 960, retired metrics, BUC usage. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type TestSim } from './helpers';

let t: TestSim;
let ids: string[];
const finals = new Map<string, number>();

beforeAll(async () => {
  // A small BUC quota, so one batch of 50 items shows in the usage header (≥ 5 %).
  t = await startSim({ limits: { facebook: { callQuota: 400 } } });
  const catalog = await t.catalog('facebook');
  ids = catalog.slice(0, 50).map((p) => p.id);
  for (const p of catalog) finals.set(p.id, p.finalReach);
});
afterAll(() => t.close());
beforeEach(() => t.reset());

const account = () => t.account('facebook');

/** Items of each batch the simulator received since `since`. */
async function batchSizes(since: number): Promise<number[]> {
  const log = await t.admin.requests({ platform: 'facebook', since });
  return log.entries.filter((e) => e.method === 'POST').map((e) => e.items ?? 0);
}

describe('Facebook batch items that do not complete', () => {
  it('null items are re-sent at most twice, then reported as retry failures', async () => {
    await t.admin.setFaults({ batchNullRate: 1 });
    const before = await t.lastSeq();
    const r = await t.connector('facebook').readReach(account(), ids.slice(0, 10));
    expect(r.readings).toEqual([]);
    expect(r.failures).toHaveLength(10);
    for (const f of r.failures) {
      expect(f.error.failureClass).toBe('retry');
      expect(f.error.details.code).toBe('batch_item_null');
    }
    expect(r.apiCalls).toBe(3);
    expect(await batchSizes(before)).toEqual([10, 10, 10]);

    await t.admin.setFaults({ batchNullRate: 0 });
    const again = await t.connector('facebook').readReach(account(), ids.slice(0, 10));
    expect(again.failures).toEqual([]);
    expect(again.readings).toHaveLength(10);
    expect(again.apiCalls).toBe(1);
  });

  it('a follow-up batch carries only the items that were null', async () => {
    await t.admin.setFaults({ batchNullRate: 0.3 });
    const before = await t.lastSeq();
    const r = await t.connector('facebook').readReach(account(), ids);
    const sizes = await batchSizes(before);
    expect(sizes[0]).toBe(50);
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.length).toBeLessThanOrEqual(3);
    expect(sizes[1]).toBeLessThan(50);
    expect(r.apiCalls).toBe(sizes.length);
    // Every post is either read (at its final figure) or a retry failure, once.
    const seen = [...r.readings.map((x) => x.externalId), ...r.failures.map((f) => f.externalId)];
    expect(seen.sort()).toEqual([...ids].sort());
    for (const x of r.readings) expect(x.reach).toBe(finals.get(x.externalId));
    for (const f of r.failures) expect(f.error.failureClass).toBe('retry');
  });

  it('960 batch timeouts are retried like null items', async () => {
    await t.admin.setFaults({ batchTimeoutRate: 1 });
    const r = await t.connector('facebook').readReach(account(), ids.slice(0, 5));
    expect(r.apiCalls).toBe(3);
    expect(r.failures.map((f) => [f.error.failureClass, f.error.details.code])).toEqual(
      Array.from({ length: 5 }, () => ['retry', '960']),
    );
  });
});

describe('Facebook retired metrics', () => {
  it('a retired optional metric is dropped once, reach still arrives', async () => {
    await t.admin.setFaults({ retiredMetrics: { facebook: ['post_media_view'] } });
    const connector = t.connector('facebook');
    const before = await t.lastSeq();
    const r = await connector.readReach(account(), ids);
    expect(r.failures).toEqual([]);
    expect(r.droppedMetrics).toEqual(['post_media_view']);
    expect(r.readings).toHaveLength(50);
    for (const x of r.readings) {
      expect(x.reach).toBe(finals.get(x.externalId));
      expect(x.metrics).not.toHaveProperty('post_media_view');
    }
    // The refused batch, one probe batch, the batch without the metric.
    expect(r.apiCalls).toBe(3);
    expect(await t.requestsSince('facebook', before)).toBe(3);

    // The connector remembers: no refusal, no probe, nothing dropped again.
    const next = await connector.readReach(account(), ids.slice(0, 5));
    expect(next.droppedMetrics).toEqual([]);
    expect(next.apiCalls).toBe(1);
    expect(next.readings).toHaveLength(5);
  });

  it('a retired reach metric fails the call as bad_request', async () => {
    await t.admin.setFaults({ retiredMetrics: { facebook: ['post_total_media_view_unique'] } });
    await expect(
      t.connector('facebook').readReach(account(), ids.slice(0, 3)),
    ).rejects.toMatchObject({ failureClass: 'bad_request', details: { code: '100' } });
  });
});

describe('Facebook usage', () => {
  it('reports the BUC percentage of the page, read from the batch items', async () => {
    const r = await t.connector('facebook').readReach(account(), ids);
    expect(r.readings).toHaveLength(50);
    const page = t.usage.filter((u) => u.platform === 'facebook' && u.scope === 'account');
    // One merged report per batch, not one per item.
    expect(page).toHaveLength(1);
    expect(page[0]?.accountExternalId).toBe(account().externalId);
    // 50 calls of a 400-call quota.
    expect(page[0]?.usagePercent).toBeGreaterThanOrEqual(12);
  });

  it('reports usage on a throttled answer too, with when access returns', async () => {
    await t.admin.setFaults({ throttle: ['facebook'] });
    await expect(t.connector('facebook').readReach(account(), ids)).rejects.toMatchObject({
      failureClass: 'throttled',
    });
    const u = t.usage.find((x) => x.platform === 'facebook');
    expect(u?.usagePercent).toBeGreaterThanOrEqual(100);
    expect(u?.resetAt?.getTime()).toBeGreaterThan(Date.now());
  });
});
