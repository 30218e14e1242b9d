import { PLATFORMS, REACH_METRICS, type Platform } from '@reachline/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConnectors } from '../../src/connectors/index';
import { chunks, startSim, type TestSim } from './helpers';

/** Posts one HTTP call reads: the batch platforms' limit, 1 where each post is its own call. */
const PER_CALL: Record<Platform, number> = {
  facebook: 50,
  instagram: 1,
  x: 100,
  youtube: 50,
  tiktok: 20,
  line: 1,
};

let t: TestSim;

// FY2564: 74 seed stories and the ordinary posts around them, cross-posted by the seed.
beforeAll(async () => {
  t = await startSim();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

describe.each(PLATFORMS)('%s readReach', (platform) => {
  it('reads every post at the catalog’s final figure in ceil(n / per-call) calls', async () => {
    const connector = t.connector(platform);
    const catalog = await t.catalog(platform);
    expect(catalog.length).toBeGreaterThan(0);
    const expected = new Map(catalog.map((p) => [p.id, p.finalReach]));
    const before = await t.lastSeq();
    let apiCalls = 0;
    const read = new Map<string, number | null>();
    for (const batch of chunks(
      catalog.map((p) => p.id),
      connector.batchLimit,
    )) {
      const r = await connector.readReach(t.account(platform), batch);
      expect(r.failures).toEqual([]);
      expect(r.droppedMetrics).toEqual([]);
      expect(r.readings).toHaveLength(batch.length);
      apiCalls += r.apiCalls;
      for (const reading of r.readings) {
        expect(reading.metric).toBe(REACH_METRICS[platform].metric);
        expect(reading.metrics[reading.metric] ?? null).toBe(reading.reach);
        read.set(reading.externalId, reading.reach);
      }
    }
    const perCall = PER_CALL[platform];
    const expectedCalls = Math.ceil(catalog.length / perCall);
    expect(apiCalls).toBe(expectedCalls);
    expect(await t.requestsSince(platform, before)).toBe(expectedCalls);
    for (const [id, final] of expected) {
      // LINE withholds figures under 20.
      expect(read.get(id)).toBe(platform === 'line' && final < 20 ? null : final);
    }
  });

  it('makes no call for an empty batch and refuses one above its limit', async () => {
    const connector = t.connector(platform);
    const empty = await connector.readReach(t.account(platform), []);
    expect(empty).toEqual({ readings: [], failures: [], droppedMetrics: [], apiCalls: 0 });
    const tooMany = Array.from({ length: connector.batchLimit + 1 }, (_, i) => String(i + 1));
    const before = await t.lastSeq();
    await expect(connector.readReach(t.account(platform), tooMany)).rejects.toMatchObject({
      failureClass: 'bad_request',
    });
    expect(await t.requestsSince(platform, before)).toBe(0);
  });
});

describe('readings carry the platform’s other numbers', () => {
  it('Facebook views beside reach, X public metrics, YouTube counts as numbers', async () => {
    const first = async (p: Platform) => {
      const [post] = await t.catalog(p);
      const r = await t.connector(p).readReach(t.account(p), [post?.id ?? '']);
      return { post, reading: r.readings[0] };
    };
    const fb = await first('facebook');
    expect(fb.reading?.metrics.post_media_view).toBe(fb.post?.finalViews);
    const ig = await first('instagram');
    expect(ig.reading?.metrics.views).toBe(ig.post?.finalViews);
    const x = await first('x');
    expect(Object.keys(x.reading?.metrics ?? {})).toEqual(
      expect.arrayContaining(['impression_count', 'like_count', 'retweet_count']),
    );
    const yt = await first('youtube');
    expect(typeof yt.reading?.metrics.likeCount).toBe('number');
    const tt = await first('tiktok');
    expect(typeof tt.reading?.metrics.like_count).toBe('number');
    const line = await first('line');
    expect(line.reading?.metrics).toHaveProperty('delivered');
  });
});

describe('the same connectors at the real hosts’ root paths', () => {
  it('read and discover through createConnectors(rootUrls), as production config gives them', async () => {
    const connectors = createConnectors(t.sim.rootUrls);
    for (const platform of PLATFORMS) {
      const [post] = await t.catalog(platform);
      const r = await connectors[platform].readReach(t.account(platform), [post?.id ?? '']);
      expect(
        r.readings.map((x) => x.externalId),
        platform,
      ).toEqual([post?.id]);
      if (platform === 'line') continue; // LINE units are listed only for the clock's month.
      const pages = connectors[platform].discover(t.account(platform), {})[Symbol.asyncIterator]();
      const first = await pages.next();
      await pages.return?.();
      expect(first.done, platform).toBe(false);
    }
  });
});
