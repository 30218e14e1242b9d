/**
 * LINE Messaging API insight: `GET /v2/bot/insight/message/event?requestId=` (a broadcast known by
 * its request id), and discovery by custom aggregation unit: `GET /v2/bot/message/aggregation/list`
 * (units used this month, paged), `GET /v2/bot/message/aggregation/info` (how many), and
 * `GET /v2/bot/insight/message/event/aggregation?customAggregationUnit=&from=&to=` (statistics per
 * unit). Figures under 20 are `null`; statistics stop changing 14 days after the send; each insight
 * endpoint allows 60 requests per hour per channel (sliding), then 429 without rate-limit headers.
 */
import { isLive, type SimContext } from '../context';
import type { SimPost } from '../dataset';
import { grownValue } from '../curve';
import { Keyed, SlidingWindow } from '../rateLimits';
import { bearer } from '../tokens';
import type { PlatformHandler, SimRequest, SimResponse } from '../types';

const message = (status: number, text: string, details?: unknown[]): SimResponse => ({
  status,
  body: details === undefined ? { message: text } : { message: text, details },
});

/** LINE hides aggregates under 20. */
const masked = (n: number): number | null => (n < 20 ? null : n);

const EVENT = '/v2/bot/insight/message/event';
const UNIT_STATS = '/v2/bot/insight/message/event/aggregation';
const UNIT_LIST = '/v2/bot/message/aggregation/list';
const UNIT_INFO = '/v2/bot/message/aggregation/info';
const ENDPOINTS = new Set([EVENT, UNIT_STATS, UNIT_LIST, UNIT_INFO]);
/** Endpoints with the 60-per-hour limit (each its own window, as LINE counts per endpoint). */
const HOURLY = new Set([EVENT, UNIT_STATS]);
const JST_MS = 9 * 3_600_000;

/** `yyyyMMdd` (UTC+9) -> epoch ms of 00:00 JST, or undefined when not a real date. */
function jstDay(s: string): number | undefined {
  if (!/^\d{8}$/.test(s)) return undefined;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(4, 6));
  const d = Number(s.slice(6, 8));
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) {
    return undefined;
  }
  return t - JST_MS;
}

/** Start of the JST month containing `ms`. */
function jstMonthStart(ms: number): number {
  const d = new Date(ms + JST_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - JST_MS;
}

export class LinePlatform implements PlatformHandler {
  readonly platform = 'line' as const;
  private readonly windows: Keyed<SlidingWindow>;

  constructor(private readonly ctx: SimContext) {
    this.windows = new Keyed(() => new SlidingWindow(ctx.limits.line.windowMs));
  }

  resetLimits(): void {
    this.windows.clear();
  }

  serverError(): SimResponse {
    return message(500, 'Internal server error');
  }

  handle(req: SimRequest): SimResponse {
    const path = req.path.replace(/\/+$/, '');
    if (req.method !== 'GET' || !ENDPOINTS.has(path)) {
      return message(404, 'Not found');
    }
    const header = req.headers.authorization;
    const token = bearer(header);
    if (token === undefined) {
      return message(
        401,
        "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'",
      );
    }
    const rec = this.ctx.tokens.get(token);
    if (!rec || rec.platform !== 'line' || rec.status === 'invalid') {
      return message(
        401,
        'Authentication failed. Confirm that the access token in the authorization header is valid.',
      );
    }
    if (rec.status === 'expired') return message(401, 'The access token expired');
    if (HOURLY.has(path)) {
      const w = this.windows.get(path === EVENT ? rec.accountId : `${rec.accountId} ${path}`);
      const wall = this.ctx.wall();
      if (w.count(wall) >= this.ctx.limits.line.limit || this.ctx.faults.throttled('line')) {
        return {
          ...message(429, 'The API rate limit has been exceeded. Try again later.'),
          accountId: rec.accountId,
        };
      }
      w.add(wall);
    } else if (this.ctx.faults.throttled('line')) {
      return {
        ...message(429, 'The API rate limit has been exceeded. Try again later.'),
        accountId: rec.accountId,
      };
    }
    const out =
      path === EVENT
        ? this.event(req.query, rec.accountId)
        : path === UNIT_STATS
          ? this.unitStats(req.query, rec.accountId)
          : path === UNIT_LIST
            ? this.unitList(req.query, rec.accountId)
            : {
                status: 200,
                body: { numOfCustomAggregationUnits: this.unitsThisMonth(rec.accountId).length },
              };
    return { ...out, accountId: rec.accountId };
  }

  /** Units this channel used in the current month (UTC+9), in order of first use. */
  private unitsThisMonth(channelId: string): string[] {
    const now = this.ctx.clock.now();
    const from = jstMonthStart(now);
    const posts = (this.ctx.dataset.timeline.get(channelId) ?? []).filter(
      (p) => p.unit !== undefined && p.publishedAt >= from && isLive(this.ctx, p, now),
    );
    const units: string[] = [];
    const seen = new Set<string>();
    for (const p of [...posts].reverse()) {
      const u = p.unit as string;
      if (!seen.has(u)) {
        seen.add(u);
        units.push(u);
      }
    }
    return units;
  }

  private unitList(query: URLSearchParams, channelId: string): SimResponse {
    const limitRaw = query.get('limit');
    const limit = limitRaw === null || limitRaw === '' ? 100 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return message(400, 'The request parameters are invalid', [
        { message: 'must be between 1 and 100', property: 'limit' },
      ]);
    }
    const units = this.unitsThisMonth(channelId);
    let offset = 0;
    const start = query.get('start');
    if (start !== null && start !== '') {
      const month = jstMonthStart(this.ctx.clock.now());
      let ok = false;
      try {
        const v = JSON.parse(Buffer.from(start, 'base64url').toString('utf8')) as unknown;
        const c = v as { o?: unknown; m?: unknown };
        if (typeof c.o === 'number' && Number.isInteger(c.o) && c.o >= 0 && c.m === month) {
          offset = c.o;
          ok = true;
        }
      } catch {
        // fall through
      }
      if (!ok) {
        return message(400, 'The request parameters are invalid', [
          { message: 'invalid continuation token', property: 'start' },
        ]);
      }
    }
    const page = units.slice(offset, offset + limit);
    const body: Record<string, unknown> = { customAggregationUnits: page };
    if (offset + page.length < units.length) {
      const m = jstMonthStart(this.ctx.clock.now());
      body.next = Buffer.from(JSON.stringify({ o: offset + page.length, m })).toString('base64url');
    }
    return { status: 200, body };
  }

  private unitStats(query: URLSearchParams, channelId: string): SimResponse {
    const unit = query.get('customAggregationUnit');
    const fromRaw = query.get('from');
    const toRaw = query.get('to');
    const details: { message: string; property: string }[] = [];
    if (unit === null || unit === '') {
      details.push({ message: 'must be specified', property: 'customAggregationUnit' });
    } else if (!/^[a-zA-Z0-9_]{1,30}$/.test(unit)) {
      details.push({ message: 'invalid unit name', property: 'customAggregationUnit' });
    }
    const from = fromRaw === null ? undefined : jstDay(fromRaw);
    const to = toRaw === null ? undefined : jstDay(toRaw);
    if (fromRaw === null) details.push({ message: 'must be specified', property: 'from' });
    else if (from === undefined)
      details.push({ message: 'invalid date (yyyyMMdd)', property: 'from' });
    if (toRaw === null) details.push({ message: 'must be specified', property: 'to' });
    else if (to === undefined) details.push({ message: 'invalid date (yyyyMMdd)', property: 'to' });
    if (from !== undefined && to !== undefined) {
      if (to < from) details.push({ message: 'must not be before from', property: 'to' });
      else if (to - from > 30 * 86_400_000) {
        details.push({ message: 'must be at most 30 days after from', property: 'to' });
      }
    }
    if (details.length > 0 || from === undefined || to === undefined || unit === null) {
      return message(400, 'The request parameters are invalid', details);
    }
    const now = this.ctx.clock.now();
    const end = to + 86_400_000;
    const posts = (this.ctx.dataset.timeline.get(channelId) ?? []).filter(
      (p) =>
        p.unit === unit && p.publishedAt >= from && p.publishedAt < end && isLive(this.ctx, p, now),
    );
    if (posts.length === 0) {
      return {
        status: 200,
        body: {
          overview: {
            uniqueImpression: null,
            uniqueClick: null,
            uniqueMediaPlayed: null,
            uniqueMediaPlayed100Percent: null,
          },
          messages: [],
          clicks: [],
        },
      };
    }
    let unique = 0;
    let impression = 0;
    let clicks = 0;
    for (const p of posts) {
      const g = (final: number) => grownValue(final, p.publishedAt, now, p.tauDays, p.curveDays);
      unique += g(p.finalReach);
      impression += g(p.finalViews);
      clicks += g(p.finalLikes);
    }
    return { status: 200, body: statisticsBody({ unique, impression, clicks }) };
  }

  private event(query: URLSearchParams, channelId: string): SimResponse {
    const requestId = query.get('requestId');
    if (requestId === null || requestId.trim() === '') {
      return message(400, 'The request parameters are invalid', [
        { message: 'must be specified', property: 'requestId' },
      ]);
    }
    const now = this.ctx.clock.now();
    const p: SimPost | undefined = this.ctx.dataset.byId.get(requestId);
    if (!p || p.platform !== 'line' || p.accountId !== channelId || !isLive(this.ctx, p, now)) {
      return message(404, 'Not found', []);
    }
    const g = (final: number) => grownValue(final, p.publishedAt, now, p.tauDays, p.curveDays);
    const unique = g(p.finalReach);
    const impression = g(p.finalViews);
    const clicks = g(p.finalLikes);
    return {
      status: 200,
      body: statisticsBody(
        { unique, impression, clicks },
        {
          requestId,
          timestamp: Math.floor(p.publishedAt / 1000),
          delivered: p.delivered ?? null,
        },
      ),
    };
  }
}

/**
 * The statistics answer's body (per message or per aggregation unit) from three grown counters,
 * in the OpenAPI example's shape; aggregates under 20 are masked as LINE does.
 */
function statisticsBody(
  counts: { unique: number; impression: number; clicks: number },
  overviewHead: Record<string, unknown> = {},
): Record<string, unknown> {
  const uniqueClicks = Math.floor(counts.clicks * 0.8);
  return {
    overview: {
      ...overviewHead,
      uniqueImpression: masked(counts.unique),
      uniqueClick: masked(uniqueClicks),
      uniqueMediaPlayed: null,
      uniqueMediaPlayed100Percent: null,
    },
    messages: [
      {
        seq: 1,
        impression: masked(counts.impression),
        mediaPlayed: null,
        mediaPlayed25Percent: null,
        mediaPlayed50Percent: null,
        mediaPlayed75Percent: null,
        mediaPlayed100Percent: null,
        uniqueMediaPlayed: null,
        uniqueMediaPlayed25Percent: null,
        uniqueMediaPlayed50Percent: null,
        uniqueMediaPlayed75Percent: null,
        uniqueMediaPlayed100Percent: null,
      },
    ],
    clicks: [
      {
        seq: 1,
        url: 'https://www.bangkok.go.th/',
        click: masked(counts.clicks),
        uniqueClick: masked(uniqueClicks),
        uniqueClickOfRequest: masked(uniqueClicks),
      },
    ],
  };
}
