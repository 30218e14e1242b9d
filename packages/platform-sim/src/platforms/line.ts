/**
 * LINE Messaging API insight: `GET /v2/bot/insight/message/event?requestId=`. Figures under 20
 * are `null`; statistics stop changing 14 days after the send; 60 requests per hour per channel
 * (sliding), then 429 without rate-limit headers.
 */
import { isLive, type SimContext } from '../context';
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
    if (req.method !== 'GET' || path !== '/v2/bot/insight/message/event') {
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
    const w = this.windows.get(rec.accountId);
    const wall = this.ctx.wall();
    if (w.count(wall) >= this.ctx.limits.line.limit || this.ctx.faults.throttled('line')) {
      return {
        ...message(429, 'The API rate limit has been exceeded. Try again later.'),
        accountId: rec.accountId,
      };
    }
    w.add(wall);
    const requestId = req.query.get('requestId');
    if (requestId === null || requestId.trim() === '') {
      return {
        ...message(400, 'The request parameters are invalid', [
          { message: 'must be specified', property: 'requestId' },
        ]),
        accountId: rec.accountId,
      };
    }
    const now = this.ctx.clock.now();
    const p = this.ctx.dataset.byId.get(requestId);
    if (!p || p.platform !== 'line' || p.accountId !== rec.accountId || !isLive(this.ctx, p, now)) {
      return { ...message(404, 'Not found', []), accountId: rec.accountId };
    }
    const g = (final: number) => grownValue(final, p.publishedAt, now, p.tauDays, p.curveDays);
    const unique = g(p.finalReach);
    const impression = g(p.finalViews);
    const clicks = g(p.finalLikes);
    const uniqueClicks = Math.floor(clicks * 0.8);
    return {
      status: 200,
      accountId: rec.accountId,
      body: {
        overview: {
          requestId,
          timestamp: Math.floor(p.publishedAt / 1000),
          delivered: p.delivered ?? null,
          uniqueImpression: masked(unique),
          uniqueClick: masked(uniqueClicks),
          uniqueMediaPlayed: null,
          uniqueMediaPlayed100Percent: null,
        },
        messages: [
          {
            seq: 1,
            impression: masked(impression),
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
            click: masked(clicks),
            uniqueClick: masked(uniqueClicks),
            uniqueClickOfRequest: masked(uniqueClicks),
          },
        ],
      },
    };
  }
}
