/**
 * Discovery the way each API offers it (research §4, §6): YouTube through channels.list (the
 * uploads playlist) and playlistItems.list, 1 unit each, never search.list; LINE through the
 * custom aggregation units (`/v2/bot/message/aggregation/list`, per-unit statistics) or a request
 * id an editor enters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogPost } from '../src/index';
import { getJson, start, type TestSim } from './helpers';

const DAY = 86_400_000;

interface GoogleError {
  error?: { code: number; message: string; errors: { reason: string; domain: string }[] };
}
interface ChannelList extends GoogleError {
  kind: string;
  items?: {
    id: string;
    contentDetails?: { relatedPlaylists: { uploads: string } };
    snippet?: { title: string };
    statistics?: { videoCount: string };
  }[];
  pageInfo: { totalResults: number };
}
interface PlaylistItems extends GoogleError {
  kind: string;
  nextPageToken?: string;
  items: {
    snippet?: { resourceId: { videoId: string }; position: number; channelId: string };
    contentDetails?: { videoId: string; videoPublishedAt: string };
  }[];
  pageInfo: { totalResults: number; resultsPerPage: number };
}

describe('YouTube discovery: channels.list -> uploads playlist -> playlistItems.list', () => {
  let t: TestSim;
  let videos: CatalogPost[];
  const UNITS = 12;
  beforeAll(async () => {
    t = await start({ limits: { youtube: { dailyUnits: UNITS } } });
    videos = (await t.admin.posts({ platform: 'youtube' })).posts;
    const last = Math.max(...videos.map((v) => Date.parse(v.publishedAt)));
    await t.admin.setClock({ mode: 'fixed', at: new Date(last + DAY) });
  });
  afterAll(() => t.sim.close());

  const yt = (path: string) => `${t.sim.rootUrls.youtube}${path}`;

  it('lists every video of the channel, newest first, with paging, at 1 unit a call', async () => {
    await t.admin.resetLimits();
    const { accountId: channelId, token: key } = t.account('youtube');
    expect(videos.length).toBeGreaterThan(5);
    let calls = 0;
    const ch = await getJson<ChannelList>(
      yt(`/channels?part=contentDetails,snippet,statistics&id=${channelId}&key=${key}`),
    );
    calls++;
    expect(ch.status).toBe(200);
    expect(ch.body.kind).toBe('youtube#channelListResponse');
    const uploads = ch.body.items?.[0]?.contentDetails?.relatedPlaylists.uploads ?? '';
    expect(uploads).toMatch(/^UU/);
    expect(uploads.slice(2)).toBe(channelId.slice(2));
    expect(ch.body.items?.[0]?.statistics?.videoCount).toBe(String(videos.length));

    const seen: { id: string; at: string; position: number }[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const r: { status: number; body: PlaylistItems } = await getJson<PlaylistItems>(
        yt(
          `/playlistItems?part=snippet,contentDetails&playlistId=${uploads}&maxResults=5&key=${key}${pageToken ? `&pageToken=${pageToken}` : ''}`,
        ),
      );
      calls++;
      pages++;
      expect(r.status).toBe(200);
      expect(r.body.kind).toBe('youtube#playlistItemListResponse');
      expect(r.body.items.length).toBeLessThanOrEqual(5);
      expect(r.body.pageInfo.totalResults).toBe(videos.length);
      for (const it of r.body.items) {
        expect(it.snippet?.resourceId.videoId).toBe(it.contentDetails?.videoId);
        expect(it.snippet?.channelId).toBe(channelId);
        seen.push({
          id: it.contentDetails?.videoId ?? '',
          at: it.contentDetails?.videoPublishedAt ?? '',
          position: it.snippet?.position ?? -1,
        });
      }
      pageToken = r.body.nextPageToken;
    } while (pageToken !== undefined && pages < 100);
    expect(pages).toBe(Math.ceil(videos.length / 5));
    expect(seen.map((s) => s.id).sort()).toEqual(videos.map((v) => v.id).sort());
    const times = seen.map((s) => Date.parse(s.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(seen.map((s) => s.position)).toEqual(seen.map((_, i) => i));
    // Each of those calls cost exactly one unit: the rest of the day's units go one call each,
    // and the next call is refused.
    for (let i = calls; i < UNITS; i++) {
      const r = await getJson(yt(`/channels?part=id&id=${channelId}&key=${key}`));
      expect(r.status, `call ${i + 1} of ${UNITS}`).toBe(200);
    }
    const over = await getJson<GoogleError>(
      yt(`/playlistItems?part=id&playlistId=${uploads}&key=${key}`),
    );
    expect(over.status).toBe(403);
    expect(over.body.error?.errors[0]?.reason).toBe('quotaExceeded');
  });

  it('lists only what is published at the clock’s instant', async () => {
    await t.admin.resetLimits();
    const { accountId: channelId, token: key } = t.account('youtube');
    const times = videos.map((v) => Date.parse(v.publishedAt)).sort((a, b) => a - b);
    const mid = times[Math.floor(times.length / 2)] ?? 0;
    await t.admin.setClock({ mode: 'fixed', at: new Date(mid) });
    const r = await getJson<PlaylistItems>(
      yt(
        `/playlistItems?part=contentDetails&playlistId=UU${channelId.slice(2)}&maxResults=50&key=${key}`,
      ),
    );
    expect(r.status).toBe(200);
    const expected = videos.filter((v) => Date.parse(v.publishedAt) <= mid).map((v) => v.id);
    expect(r.body.items.map((i) => i.contentDetails?.videoId).sort()).toEqual(expected.sort());
    expect(expected.length).toBeLessThan(videos.length);
    await t.admin.setClock({ mode: 'fixed', at: new Date((times.at(-1) ?? 0) + DAY) });
  });

  it('answers search.list 404 without charging a unit', async () => {
    await t.admin.resetLimits();
    const { accountId: channelId, token: key } = t.account('youtube');
    const s = await getJson<GoogleError>(
      yt(`/search?part=id&channelId=${channelId}&type=video&maxResults=50&key=${key}`),
    );
    expect(s.status).toBe(404);
    expect(s.body.error?.code).toBe(404);
    for (let i = 0; i < UNITS; i++) {
      expect((await getJson(yt(`/channels?part=id&id=${channelId}&key=${key}`))).status).toBe(200);
    }
    expect((await getJson(yt(`/channels?part=id&id=${channelId}&key=${key}`))).status).toBe(403);
  });

  it('finds the channel by handle and by mine=true (OAuth only); unknown ids give no items', async () => {
    await t.admin.resetLimits();
    const { accountId: channelId, token: key, username } = t.account('youtube');
    const byHandle = await getJson<ChannelList>(
      yt(`/channels?part=id&forHandle=${encodeURIComponent(username)}&key=${key}`),
    );
    expect(byHandle.body.items?.map((i) => i.id)).toEqual([channelId]);
    const mine = await getJson<ChannelList>(yt('/channels?part=id&mine=true'), {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(mine.body.items?.map((i) => i.id)).toEqual([channelId]);
    const mineByKey = await getJson<GoogleError>(yt(`/channels?part=id&mine=true&key=${key}`));
    expect(mineByKey.status).toBe(401);
    const none = await getJson<ChannelList>(yt(`/channels?part=id&id=UCnope&key=${key}`));
    expect(none.status).toBe(200);
    expect(none.body.items).toBeUndefined();
    expect(none.body.pageInfo.totalResults).toBe(0);
  });

  it('refuses an unknown playlist, a bad page token and maxResults above 50', async () => {
    await t.admin.resetLimits();
    const { accountId: channelId, token: key } = t.account('youtube');
    const uploads = `UU${channelId.slice(2)}`;
    const nf = await getJson<GoogleError>(
      yt(`/playlistItems?part=id&playlistId=PLnothing&key=${key}`),
    );
    expect(nf.status).toBe(404);
    expect(nf.body.error?.errors[0]?.reason).toBe('playlistNotFound');
    const bad = await getJson<GoogleError>(
      yt(`/playlistItems?part=id&playlistId=${uploads}&pageToken=garbage&key=${key}`),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error?.errors[0]?.reason).toBe('invalidPageToken');
    const big = await getJson<GoogleError>(
      yt(`/playlistItems?part=id&playlistId=${uploads}&maxResults=51&key=${key}`),
    );
    expect(big.status).toBe(400);
    const noPart = await getJson<GoogleError>(
      yt(`/playlistItems?playlistId=${uploads}&key=${key}`),
    );
    expect(noPart.status).toBe(400);
    expect(noPart.body.error?.errors[0]?.reason).toBe('required');
  });
});

// ------------------------------------------------------------------------------------ LINE

interface UnitList {
  customAggregationUnits: string[];
  next?: string;
  message?: string;
}
interface Stats {
  overview: { uniqueImpression: number | null; uniqueClick: number | null; requestId?: string };
  messages: { seq: number; impression: number | null }[];
  clicks: unknown[];
  message?: string;
  details?: { property: string }[];
}

/** The JST (UTC+9) calendar date of an instant, as yyyyMMdd and as YYYY-MM. */
const jst = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString();
const jstDay = (ms: number) => jst(ms).slice(0, 10).replaceAll('-', '');
const jstMonth = (ms: number) => jst(ms).slice(0, 7);

describe('LINE discovery by custom aggregation unit, and by request id', () => {
  let t: TestSim;
  let line: CatalogPost[];
  let month: string;
  let inMonth: CatalogPost[];
  let endOfMonth: number;
  beforeAll(async () => {
    t = await start({ limits: { line: { limit: 1000 } } });
    line = (await t.admin.posts({ platform: 'line' })).posts;
    // The JST month with the most LINE sends.
    const counts = new Map<string, number>();
    for (const p of line) {
      const m = jstMonth(Date.parse(p.publishedAt));
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    month = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
    inMonth = line.filter((p) => jstMonth(Date.parse(p.publishedAt)) === month);
    const [y, m] = month.split('-').map(Number) as [number, number];
    // 23:00 JST on the last day of that month.
    endOfMonth = Date.UTC(y, m, 1) - 9 * 3_600_000 - 3_600_000;
    await t.admin.setClock({ mode: 'fixed', at: new Date(endOfMonth) });
  });
  afterAll(() => t.sim.close());

  const call = <T>(path: string) =>
    getJson<T>(`${t.sim.rootUrls.line}${path}`, {
      headers: { authorization: `Bearer ${t.account('line').token}` },
    });

  it('gives every LINE post a unit named after its kind', () => {
    expect(line.length).toBeGreaterThan(0);
    for (const p of line) {
      expect(p.unit, p.id).toMatch(/^[a-zA-Z0-9_]{1,30}$/);
      expect(p.unit?.startsWith(p.infographic ? 'infographic_' : 'news_'), p.id).toBe(true);
    }
    expect(new Set(line.map((p) => p.unit)).size).toBe(line.length);
  });

  it('lists the units used this month, paged with next', async () => {
    expect(inMonth.length).toBeGreaterThan(1);
    const got: string[] = [];
    let start: string | undefined;
    let pages = 0;
    do {
      const r: { status: number; body: UnitList } = await call<UnitList>(
        `/v2/bot/message/aggregation/list?limit=1${start ? `&start=${start}` : ''}`,
      );
      expect(r.status).toBe(200);
      expect(r.body.customAggregationUnits.length).toBeLessThanOrEqual(1);
      got.push(...r.body.customAggregationUnits);
      start = r.body.next;
      pages++;
    } while (start !== undefined && pages < 1000);
    expect(got.sort()).toEqual(inMonth.map((p) => p.unit ?? '').sort());
    expect(pages).toBe(inMonth.length);
    const info = await call<{ numOfCustomAggregationUnits: number }>(
      '/v2/bot/message/aggregation/info',
    );
    expect(info.body.numOfCustomAggregationUnits).toBe(inMonth.length);
    const bad = await call<UnitList>('/v2/bot/message/aggregation/list?limit=101');
    expect(bad.status).toBe(400);
  });

  it('does not list last month’s units once the month has turned', async () => {
    await t.admin.setClock({ mode: 'fixed', at: new Date(endOfMonth + 2 * 3_600_000) });
    const r = await call<UnitList>('/v2/bot/message/aggregation/list');
    for (const p of inMonth) expect(r.body.customAggregationUnits).not.toContain(p.unit);
    await t.admin.setClock({ mode: 'fixed', at: new Date(endOfMonth) });
  });

  it('answers per-unit statistics that match the request id’s and reach the final figure', async () => {
    const big = inMonth.reduce((a, b) => (a.finalReach > b.finalReach ? a : b));
    expect(big.finalReach).toBeGreaterThanOrEqual(20);
    const sent = Date.parse(big.publishedAt);
    const unit = big.unit ?? '';
    const from = jstDay(sent);
    const to = jstDay(sent + 30 * DAY);
    const mid = sent + 2 * DAY;
    await t.admin.setClock({ mode: 'fixed', at: new Date(mid) });
    const s = await call<Stats>(
      `/v2/bot/insight/message/event/aggregation?customAggregationUnit=${unit}&from=${from}&to=${to}`,
    );
    const e = await call<Stats>(`/v2/bot/insight/message/event?requestId=${big.id}`);
    expect(s.status).toBe(200);
    expect(e.status).toBe(200);
    expect(s.body.overview.uniqueImpression).toBeTypeOf('number');
    expect(s.body.overview.uniqueImpression).toBe(e.body.overview.uniqueImpression);
    expect(s.body.overview.uniqueImpression).toBeLessThan(big.finalReach);
    expect(s.body.overview).not.toHaveProperty('requestId');
    expect(s.body.messages[0]?.seq).toBe(1);

    await t.admin.setClock({ mode: 'fixed', at: new Date(sent + 20 * DAY) });
    const done = await call<Stats>(
      `/v2/bot/insight/message/event/aggregation?customAggregationUnit=${unit}&from=${from}&to=${to}`,
    );
    expect(done.body.overview.uniqueImpression).toBe(big.finalReach);

    // A period that does not hold the send has nothing for that unit.
    const before = await call<Stats>(
      `/v2/bot/insight/message/event/aggregation?customAggregationUnit=${unit}&from=${jstDay(sent - 20 * DAY)}&to=${jstDay(sent - DAY)}`,
    );
    expect(before.status).toBe(200);
    expect(before.body.overview.uniqueImpression).toBeNull();
    expect(before.body.messages).toEqual([]);
    await t.admin.setClock({ mode: 'fixed', at: new Date(endOfMonth) });
  });

  it('refuses a period over 30 days, a bad date and a missing unit', async () => {
    const unit = inMonth[0]?.unit ?? '';
    const long = await call<Stats>(
      `/v2/bot/insight/message/event/aggregation?customAggregationUnit=${unit}&from=20210101&to=20210201`,
    );
    expect(long.status).toBe(400);
    expect(long.body.details?.[0]?.property).toBe('to');
    const badDate = await call<Stats>(
      `/v2/bot/insight/message/event/aggregation?customAggregationUnit=${unit}&from=20210230&to=20210301`,
    );
    expect(badDate.status).toBe(400);
    expect(badDate.body.details?.[0]?.property).toBe('from');
    const noUnit = await call<Stats>(
      '/v2/bot/insight/message/event/aggregation?from=20210101&to=20210102',
    );
    expect(noUnit.status).toBe(400);
    expect(noUnit.body.details?.[0]?.property).toBe('customAggregationUnit');
  });
});

describe('LINE insight endpoints count 60 an hour each', () => {
  let t: TestSim;
  beforeAll(async () => {
    t = await start({ limits: { line: { limit: 3 } } });
    await t.admin.setClock({
      mode: 'fixed',
      at: new Date(t.sim.dataset.lastPublishedAt + 30 * DAY),
    });
  });
  afterAll(() => t.sim.close());

  it('keeps separate windows for message/event and per-unit statistics; the unit list is not limited', async () => {
    const line = (await t.admin.posts({ platform: 'line' })).posts[0];
    if (!line) throw new Error('no LINE post');
    const h = { headers: { authorization: `Bearer ${t.account('line').token}` } };
    const base = t.sim.rootUrls.line;
    const ev = () => getJson(`${base}/v2/bot/insight/message/event?requestId=${line.id}`, h);
    const d = jstDay(Date.parse(line.publishedAt));
    const unit = () =>
      getJson(
        `${base}/v2/bot/insight/message/event/aggregation?customAggregationUnit=${line.unit ?? ''}&from=${d}&to=${d}`,
        h,
      );
    for (let i = 0; i < 3; i++) expect((await ev()).status).toBe(200);
    expect((await ev()).status).toBe(429);
    for (let i = 0; i < 3; i++) expect((await unit()).status).toBe(200);
    expect((await unit()).status).toBe(429);
    for (let i = 0; i < 5; i++) {
      expect((await getJson(`${base}/v2/bot/message/aggregation/list`, h)).status).toBe(200);
    }
  });
});
