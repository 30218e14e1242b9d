/**
 * Discovery of accounts with more posts than one page on every platform (Facebook 230 at 100 a
 * page, every Graph cursor first answering an empty page that goes on; Instagram and X 101 at 100; YouTube 51 at
 * 50; TikTok 41 at 20; LINE 101 units at 100) stores every post of every account exactly once,
 * the same ids as the simulator's catalog. A second discovery at the same clock adds nothing:
 * a repeated tick is the same job and calls nothing, and a run of its own re-lists only the
 * overlap (the pages down to three days before the newest post seen).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '@reachline/shared';
import {
  discoverAccount,
  type DiscoverySummary,
} from '../../apps/collector/src/pipeline/discovery';
import {
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
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PLATFORMS = ['facebook', 'instagram', 'x', 'youtube', 'tiktok', 'line'] as const;
const COUNTS: Record<Platform, number> = {
  facebook: 230,
  instagram: 101,
  x: 101,
  youtube: 51,
  tiktok: 41,
  line: 101,
};
/** Posts per listing page the collector asks for (the platforms' maxima). */
const PAGE: Record<Platform, number> = {
  facebook: 100,
  instagram: 100,
  x: 100,
  youtube: 50,
  tiktok: 20,
  line: 100,
};
const from = new Date('2025-03-01T08:00:00+07:00');
const at = new Date('2025-03-21T12:00:00+07:00');

let c: ProbeCollector;
const catalog = new Map<Platform, { id: string; publishedAt: number; infographic: boolean }[]>();
let firstRun: SimRequest[] = [];
let repeatedTick: SimRequest[] = [];
let secondRun: SimRequest[] = [];
let postsAfterFirst = 0;
let closed = false;
const summaries = new Map<Platform, DiscoverySummary>();

beforeAll(async () => {
  const platforms = Object.fromEntries(
    PLATFORMS.map((p) => [p, { infographics: 5, ordinary: COUNTS[p] - 5 }]),
  );
  c = await startProbeCollector(db, {
    start: at,
    sim: {
      dataset: { data: buildDataset({ from, spacingMs: 2 * HOUR, platforms }) },
      // Every Graph cursor first answers an empty page that still has `next`.
      emptyPageEvery: 1,
    },
  });
  await setInfographicRule(c.models, 2568);
  for (const p of PLATFORMS) {
    catalog.set(
      p,
      (await catalogAt(c.admin, p, at)).map((x) => ({
        id: x.unit ?? x.id,
        publishedAt: Date.parse(x.publishedAt),
        infographic: x.infographic,
      })),
    );
  }
  let seq = await lastSeq(c.admin);
  await c.discover();
  firstRun = await requestsSince(c.admin, seq);
  postsAfterFirst = await c.models.Post.countDocuments({});

  // The same tick again, at the same clock.
  seq = await lastSeq(c.admin);
  await c.discover();
  repeatedTick = await requestsSince(c.admin, seq);

  // A discovery run of its own for every account, still at the same clock.
  seq = await lastSeq(c.admin);
  for (const a of await c.models.Account.find({}, { platform: 1 }).lean()) {
    summaries.set(a.platform, await discoverAccount(c.runtime.ctx, a._id));
  }
  secondRun = await requestsSince(c.admin, seq);
}, 120_000);

afterAll(async () => {
  if (!closed) await c?.close();
});

describe('discovery over several pages', () => {
  it('has more posts than one page on every platform (the premise)', () => {
    for (const p of PLATFORMS) {
      expect(catalog.get(p), p).toHaveLength(COUNTS[p]);
      expect(COUNTS[p], p).toBeGreaterThan(PAGE[p]);
    }
  });

  it('reads each list to its end once, through the empty Graph pages', () => {
    const calls: Record<string, number> = {};
    for (const r of firstRun) calls[r.platform] = (calls[r.platform] ?? 0) + 1;
    expect(calls).toEqual({
      facebook: 3 + 2, // 100 + 100 + 30, each cursor first answered empty
      instagram: 2 + 1, // 100 + 1
      x: 2, // 100 + 1
      youtube: 1 + 2, // the channel, then 50 + 1
      tiktok: 3, // 20 + 20 + 1
      line: 2, // 100 + 1
    });
  });

  it('stores every post of every account exactly once: the catalog’s ids', async () => {
    for (const p of PLATFORMS) {
      const stored = await c.models.Post.find({ platform: p }, { externalId: 1 }).lean();
      const ids = stored.map((s) => s.externalId).sort();
      expect(ids, p).toEqual(
        catalog
          .get(p)!
          .map((x) => x.id)
          .sort(),
      );
    }
    expect(postsAfterFirst).toBe(PLATFORMS.reduce((t, p) => t + COUNTS[p], 0));
  });

  it('tells the infographics the way the catalog does', async () => {
    for (const p of PLATFORMS) {
      const stored = await c.models.Post.find(
        { platform: p, isInfographic: true },
        { externalId: 1 },
      ).lean();
      expect(stored.map((s) => s.externalId).sort(), p).toEqual(
        catalog
          .get(p)!
          .filter((x) => x.infographic)
          .map((x) => x.id)
          .sort(),
      );
    }
  });
});

describe('a second discovery at the same clock', () => {
  it('as the same tick again: the same jobs, no call at all', () => {
    expect(repeatedTick).toEqual([]);
  });

  it('as a run of its own: stores nothing new', async () => {
    expect(await c.models.Post.countDocuments({})).toBe(postsAfterFirst);
    for (const p of PLATFORMS) expect(summaries.get(p)?.stored, p).toBe(0);
  });

  it('costs at most the overlap pages', () => {
    for (const p of PLATFORMS) {
      const posts = catalog.get(p)!;
      const newest = Math.max(...posts.map((x) => x.publishedAt));
      // Posts inside the overlap (three days before the newest), and one past it to stop at.
      const inOverlap = posts.filter((x) => x.publishedAt >= newest - 3 * DAY).length;
      let bound = Math.min(Math.floor(inOverlap / PAGE[p]) + 1, Math.ceil(posts.length / PAGE[p]));
      if (p === 'youtube') bound += 1; // the channel's uploads playlist is looked up first
      // LINE lists the month's units, not by date: the whole list, which is this month's.
      if (p === 'line') bound = Math.ceil(posts.length / PAGE.line);
      const calls = secondRun.filter((r) => r.platform === p);
      expect(calls.length, p).toBeLessThanOrEqual(bound);
      expect(calls.length, p).toBeGreaterThanOrEqual(1);
      // And less than the first run wherever the overlap is shorter than the list.
      const first = firstRun.filter((r) => r.platform === p).length;
      if (bound < first) expect(calls.length, p).toBeLessThan(first);
    }
  });
});

describe('the simulator’s generated data set (300 stories, about 750 posts)', () => {
  let g: ProbeCollector;
  const end = new Date('2025-04-12T12:00:00+07:00');
  const expected = new Map<Platform, string[]>();

  beforeAll(async () => {
    await c.close();
    closed = true;
    await db.connection.dropDatabase();
    // No infographic rule for the year: only the listing is under test here.
    g = await startProbeCollector(db, {
      start: end,
      prefix: `${db.prefix}:generated`,
      sim: { dataset: 'generated', posts: 300 },
    });
    // LINE lists the units of the current month (JST) only.
    const jstMonth = (ms: number) => new Date(ms + 9 * HOUR).toISOString().slice(0, 7);
    for (const p of PLATFORMS) {
      const posts = await catalogAt(g.admin, p, end);
      expected.set(
        p,
        posts
          .filter((x) => p !== 'line' || jstMonth(Date.parse(x.publishedAt)) === jstMonth(+end))
          .map((x) => x.unit ?? x.id)
          .sort(),
      );
    }
    await g.discover();
  }, 120_000);

  afterAll(async () => {
    await g?.close();
  });

  it('stores every listed post of every account exactly once', async () => {
    expect(expected.get('facebook')!.length).toBeGreaterThan(PAGE.facebook);
    for (const p of PLATFORMS) {
      const stored = await g.models.Post.find({ platform: p }, { externalId: 1 }).lean();
      expect(stored.map((s) => s.externalId).sort(), p).toEqual(expected.get(p));
    }
  });
});

describe('LINE units without a date in their name', () => {
  let l: ProbeCollector;
  const now = new Date('2025-03-21T12:00:00+07:00');
  const units = ['campaign_water', 'flood_alert', 'infographic_20250310_1'];

  beforeAll(async () => {
    await db.connection.dropDatabase();
    l = await startProbeCollector(db, {
      start: now,
      prefix: `${db.prefix}:line`,
      sim: {
        dataset: {
          data: {
            accounts: [{ platform: 'line', id: '1650000009', name: 'Probe LINE' }],
            posts: units.map((unit, i) => ({
              platform: 'line',
              publishedAt: `2025-03-${String(10 + i).padStart(2, '0')}T10:00:00+07:00`,
              text: unit,
              reach: 500 + i,
              unit,
            })),
          },
        },
      },
    });
    await l.discover();
  }, 60_000);

  afterAll(async () => {
    await l?.close();
  });

  it('are stored too, dated by the month they were listed in (the collector’s clock)', async () => {
    expect((await catalogAt(l.admin, 'line', now)).map((x) => x.unit).sort()).toEqual(
      [...units].sort(),
    );
    const stored = await l.models.Post.find({ platform: 'line' }, { externalId: 1 }).lean();
    expect(stored.map((s) => s.externalId).sort()).toEqual([...units].sort());
  });
});
