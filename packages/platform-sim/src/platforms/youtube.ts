/**
 * YouTube Data API v3: `videos.list` (`GET /youtube/v3/videos?part=...&id=...`, up to 50 ids).
 * Counts are strings; 1 quota unit per call (even invalid ones); 403 `quotaExceeded` when the
 * day's units are spent; the day resets at midnight Pacific time.
 */
import { createHash } from 'node:crypto';
import { isLive, type SimContext } from '../context';
import type { SimPost } from '../dataset';
import { grownValue } from '../curve';
import { DailyQuota, Keyed } from '../rateLimits';
import { bearer } from '../tokens';
import type { PlatformHandler, SimRequest, SimResponse } from '../types';

export const YOUTUBE_MAX_IDS = 50;
const PARTS = new Set(['id', 'snippet', 'statistics', 'contentDetails']);

interface GoogleErrorItem {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
}

function googleError(
  code: number,
  message: string,
  item: Omit<GoogleErrorItem, 'message'>,
  status?: string,
): SimResponse {
  const error: Record<string, unknown> = { code, message, errors: [{ message, ...item }] };
  if (status !== undefined) error.status = status;
  return { status: code, body: { error } };
}

function etag(s: string): string {
  return createHash('sha1').update(s).digest('base64url').slice(0, 27);
}

export class YouTubePlatform implements PlatformHandler {
  readonly platform = 'youtube' as const;
  private readonly quotas: Keyed<DailyQuota>;

  constructor(private readonly ctx: SimContext) {
    this.quotas = new Keyed(() => new DailyQuota(ctx.limits.youtube.dailyUnits));
  }

  resetLimits(): void {
    this.quotas.clear();
  }

  serverError(): SimResponse {
    return googleError(
      503,
      'The service is currently unavailable.',
      { domain: 'global', reason: 'backendError' },
      'UNAVAILABLE',
    );
  }

  handle(req: SimRequest): SimResponse {
    const path = req.path.replace(/\/+$/, '');
    if (req.method !== 'GET' || path !== '/youtube/v3/videos') {
      return googleError(404, 'Not Found', { domain: 'global', reason: 'notFound' }, 'NOT_FOUND');
    }
    const key = req.query.get('key');
    const oauth = bearer(req.headers.authorization);
    if (key === null && oauth === undefined) {
      return googleError(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        { domain: 'global', reason: 'forbidden' },
        'PERMISSION_DENIED',
      );
    }
    const rec = this.ctx.tokens.get(key ?? oauth);
    if (!rec || rec.platform !== 'youtube' || rec.status !== 'valid') {
      if (key === null) {
        return googleError(
          401,
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
          {
            domain: 'global',
            reason: 'authError',
            location: 'Authorization',
            locationType: 'header',
          },
          'UNAUTHENTICATED',
        );
      }
      const expired = rec?.status === 'expired';
      return googleError(
        400,
        expired
          ? 'API key expired. Please renew the API key.'
          : 'API key not valid. Please pass a valid API key.',
        { domain: 'global', reason: 'badRequest' },
        'INVALID_ARGUMENT',
      );
    }
    const charged = this.quotas.get(rec.token).charge(this.ctx.wall(), 1);
    if (!charged || this.ctx.faults.throttled('youtube')) {
      const msg = 'The request cannot be completed because you have exceeded your quota.';
      return {
        ...googleError(403, msg, { domain: 'youtube.quota', reason: 'quotaExceeded' }),
        accountId: rec.accountId,
      };
    }
    return { ...this.list(req.query), accountId: rec.accountId };
  }

  private list(query: URLSearchParams): SimResponse {
    const partRaw = query.get('part');
    if (partRaw === null || partRaw.trim() === '') {
      return googleError(400, 'Required parameter: part', {
        domain: 'global',
        reason: 'required',
        location: 'part',
        locationType: 'parameter',
      });
    }
    const parts = partRaw.split(',').map((s) => s.trim());
    for (const p of parts) {
      if (!PARTS.has(p)) {
        return googleError(400, `'${p}'`, {
          domain: 'youtube.part',
          reason: 'unknownPart',
          location: 'part',
          locationType: 'parameter',
        });
      }
    }
    const idRaw = query.get('id');
    if (idRaw === null || idRaw.trim() === '') {
      return googleError(400, 'No filter selected. Expected one of: myRated, chart, id', {
        domain: 'youtube.parameter',
        reason: 'missingRequiredParameter',
        location: 'parameters.',
        locationType: 'other',
      });
    }
    const ids = idRaw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (ids.length > YOUTUBE_MAX_IDS) {
      return googleError(400, `The request specifies more than ${YOUTUBE_MAX_IDS} video IDs.`, {
        domain: 'youtube.parameter',
        reason: 'invalidFilters',
        location: 'id',
        locationType: 'parameter',
      });
    }
    const now = this.ctx.clock.now();
    const items: unknown[] = [];
    for (const id of ids) {
      const v = this.ctx.dataset.byId.get(id);
      if (!v || v.platform !== 'youtube' || !isLive(this.ctx, v, now)) continue;
      items.push(this.video(v, parts, now));
    }
    return {
      status: 200,
      body: {
        kind: 'youtube#videoListResponse',
        etag: etag(JSON.stringify(items)),
        items,
        pageInfo: { totalResults: items.length, resultsPerPage: items.length },
      },
    };
  }

  private video(v: SimPost, parts: string[], now: number): unknown {
    const g = (final: number) =>
      String(grownValue(final, v.publishedAt, now, v.tauDays, v.curveDays));
    const out: Record<string, unknown> = {
      kind: 'youtube#video',
      etag: etag(`${v.id}:${now}`),
      id: v.id,
    };
    const channel = this.ctx.dataset.accounts.find((a) => a.accountId === v.accountId);
    if (parts.includes('snippet')) {
      out.snippet = {
        publishedAt: new Date(v.publishedAt).toISOString().replace('.000Z', 'Z'),
        channelId: v.accountId,
        title: v.title,
        description: v.text,
        channelTitle: channel?.name ?? '',
        categoryId: '25',
        liveBroadcastContent: 'none',
        defaultAudioLanguage: 'th',
      };
    }
    if (parts.includes('contentDetails')) {
      out.contentDetails = {
        duration: 'PT1M5S',
        dimension: '2d',
        definition: 'hd',
        caption: 'false',
        licensedContent: false,
        projection: 'rectangular',
      };
    }
    if (parts.includes('statistics')) {
      out.statistics = {
        viewCount: g(v.finalReach),
        likeCount: g(v.finalLikes),
        favoriteCount: '0',
        commentCount: g(v.finalComments),
      };
    }
    return out;
  }
}
