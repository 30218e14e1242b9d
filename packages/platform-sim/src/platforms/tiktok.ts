/**
 * TikTok Display API: `POST /v2/video/query/` (up to 20 ids) and `POST /v2/video/list/`, with the
 * `{data, error:{code,message,log_id}}` envelope; 600 requests per minute (sliding) per token.
 */
import { randomBytes } from 'node:crypto';
import { isLive, type SimContext } from '../context';
import type { SimPost } from '../dataset';
import { grownValue } from '../curve';
import { Keyed, SlidingWindow } from '../rateLimits';
import { bearer } from '../tokens';
import type { PlatformHandler, SimRequest, SimResponse } from '../types';

export const TIKTOK_MAX_IDS = 20;
const VIDEO_FIELDS = new Set([
  'id',
  'create_time',
  'cover_image_url',
  'share_url',
  'video_description',
  'duration',
  'height',
  'width',
  'title',
  'embed_html',
  'embed_link',
  'like_count',
  'comment_count',
  'share_count',
  'view_count',
]);

function logId(): string {
  const d = new Date()
    .toISOString()
    .replace(/[-:TZ.]/g, '')
    .slice(0, 14);
  return `${d}${randomBytes(10).toString('hex').toUpperCase()}`;
}

function envelope(status: number, code: string, message: string, data: unknown = {}): SimResponse {
  return { status, body: { data, error: { code, message, log_id: logId() } } };
}

const invalidParams = (message: string) => envelope(400, 'invalid_params', message);

export class TikTokPlatform implements PlatformHandler {
  readonly platform = 'tiktok' as const;
  private readonly windows: Keyed<SlidingWindow>;

  constructor(private readonly ctx: SimContext) {
    this.windows = new Keyed(() => new SlidingWindow(ctx.limits.tiktok.windowMs));
  }

  resetLimits(): void {
    this.windows.clear();
  }

  serverError(): SimResponse {
    return envelope(500, 'internal_error', 'Something went wrong. Please try again later.');
  }

  handle(req: SimRequest): SimResponse {
    const path = req.path.replace(/\/+$/, '');
    if (req.method !== 'POST' || (path !== '/v2/video/query' && path !== '/v2/video/list')) {
      return envelope(
        404,
        'invalid_params',
        `The endpoint ${req.method} ${req.path} does not exist.`,
      );
    }
    const rec = this.ctx.tokens.get(bearer(req.headers.authorization));
    if (!rec || rec.platform !== 'tiktok' || rec.status !== 'valid') {
      return envelope(
        401,
        'access_token_invalid',
        'The access token is invalid or not found in the request.',
      );
    }
    const w = this.windows.get(`${rec.token} ${path}`);
    const now = this.ctx.wall();
    if (w.count(now) >= this.ctx.limits.tiktok.limit || this.ctx.faults.throttled('tiktok')) {
      return {
        ...envelope(
          429,
          'rate_limit_exceeded',
          'The API rate limit was exceeded. Please try again later.',
        ),
        accountId: rec.accountId,
      };
    }
    w.add(now);
    if (!rec.permissions.includes('video.list')) {
      return {
        ...envelope(
          401,
          'scope_not_authorized',
          'The user did not authorize the scope required for completing this request.',
        ),
        accountId: rec.accountId,
      };
    }
    const fieldsRaw = req.query.get('fields');
    if (fieldsRaw === null || fieldsRaw.trim() === '')
      return invalidParams('The fields parameter is required.');
    const fields = fieldsRaw.split(',').map((s) => s.trim());
    const badField = fields.find((f) => !VIDEO_FIELDS.has(f));
    if (badField !== undefined) return invalidParams(`Invalid field: ${badField}`);
    let body: unknown;
    try {
      body = JSON.parse(req.body || '{}');
    } catch {
      return invalidParams('The request body is not valid JSON.');
    }
    const res =
      path === '/v2/video/query'
        ? this.query(body, fields, rec.accountId)
        : this.list(body, fields, rec.accountId);
    return { ...res, accountId: rec.accountId };
  }

  private query(body: unknown, fields: string[], openId: string): SimResponse {
    const ids = (body as { filters?: { video_ids?: unknown } } | null)?.filters?.video_ids;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string')) {
      return invalidParams('filters.video_ids must be a non-empty array of strings.');
    }
    if (ids.length > TIKTOK_MAX_IDS) {
      return invalidParams(`filters.video_ids can include up to ${TIKTOK_MAX_IDS} video IDs.`);
    }
    const now = this.ctx.clock.now();
    const videos: unknown[] = [];
    for (const id of ids) {
      const v = this.ctx.dataset.byId.get(id);
      if (!v || v.platform !== 'tiktok' || v.accountId !== openId || !isLive(this.ctx, v, now))
        continue;
      videos.push(this.video(v, fields, now));
    }
    return envelope(200, 'ok', '', { videos });
  }

  private list(body: unknown, fields: string[], openId: string): SimResponse {
    const b = (body ?? {}) as { max_count?: unknown; cursor?: unknown };
    const max = b.max_count === undefined ? 10 : b.max_count;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 20) {
      return invalidParams('max_count must be an integer between 1 and 20.');
    }
    if (b.cursor !== undefined && (typeof b.cursor !== 'number' || !Number.isInteger(b.cursor))) {
      return invalidParams('cursor must be an integer (a UTC Unix timestamp in milliseconds).');
    }
    const now = this.ctx.clock.now();
    const before = typeof b.cursor === 'number' ? b.cursor : now + 1;
    const all = (this.ctx.dataset.timeline.get(openId) ?? []).filter(
      (p) => isLive(this.ctx, p, now) && p.publishedAt < before,
    );
    const page = all.slice(0, max);
    const last = page[page.length - 1];
    return envelope(200, 'ok', '', {
      videos: page.map((v) => this.video(v, fields, now)),
      cursor: last ? last.publishedAt : before,
      has_more: all.length > page.length,
    });
  }

  private video(v: SimPost, fields: string[], now: number): unknown {
    const g = (final: number) => grownValue(final, v.publishedAt, now, v.tauDays, v.curveDays);
    const account = this.ctx.dataset.accounts.find((a) => a.accountId === v.accountId);
    const all: Record<string, unknown> = {
      id: v.id,
      create_time: Math.floor(v.publishedAt / 1000),
      cover_image_url: `https://p16-sign.tiktokcdn.example.invalid/${v.id}.jpeg`,
      share_url: `https://www.tiktok.com/@${account?.username ?? 'user'}/video/${v.id}`,
      video_description: v.text,
      duration: 45,
      height: 1920,
      width: 1080,
      title: v.title,
      embed_html: `<blockquote class="tiktok-embed" data-video-id="${v.id}"></blockquote>`,
      embed_link: `https://www.tiktok.com/embed/v2/${v.id}`,
      like_count: g(v.finalLikes),
      comment_count: g(v.finalComments),
      share_count: g(v.finalShares),
      view_count: g(v.finalReach),
    };
    return Object.fromEntries(fields.map((f) => [f, all[f]]));
  }
}
