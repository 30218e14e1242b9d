/**
 * YouTube Data API v3: `videos.list` (`GET /youtube/v3/videos?part=...&id=...`, up to 50 ids),
 * and discovery the cheap way: `channels.list` (the uploads playlist in
 * `contentDetails.relatedPlaylists.uploads`) then `playlistItems.list` on it, newest first, paged
 * by `pageToken`. Counts are strings; 1 quota unit per call (even invalid ones); 403
 * `quotaExceeded` when the day's units are spent; the day resets at midnight Pacific time.
 * `search.list` is not served (404, never charged): a collector must not discover with it.
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
const CHANNEL_PARTS = new Set(['id', 'snippet', 'statistics', 'contentDetails']);
const PLAYLIST_ITEM_PARTS = new Set(['id', 'snippet', 'contentDetails', 'status']);
const ENDPOINTS = new Set([
  '/youtube/v3/videos',
  '/youtube/v3/channels',
  '/youtube/v3/playlistItems',
]);

/** The uploads playlist of channel `UCxxxx` is `UUxxxx`, as on YouTube. */
export function uploadsPlaylistOf(channelId: string): string {
  return channelId.startsWith('UC') ? `UU${channelId.slice(2)}` : `UU${channelId}`;
}

interface PageCursor {
  t: number;
  id: string;
}

function encodePageToken(c: PageCursor): string {
  return `EA${Buffer.from(JSON.stringify(c)).toString('base64url')}`;
}

function decodePageToken(s: string): PageCursor | undefined {
  if (!s.startsWith('EA')) return undefined;
  try {
    const v = JSON.parse(Buffer.from(s.slice(2), 'base64url').toString('utf8')) as unknown;
    if (
      v &&
      typeof v === 'object' &&
      typeof (v as PageCursor).t === 'number' &&
      typeof (v as PageCursor).id === 'string'
    ) {
      return v as PageCursor;
    }
  } catch {
    // fall through
  }
  return undefined;
}

const ytTime = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

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
    if (req.method === 'GET' && path === '/youtube/v3/search') {
      // Not served on purpose: search.list costs 100 units (and has its own small daily bucket).
      return googleError(
        404,
        "search.list is not simulated: discover a channel's videos with channels.list (contentDetails.relatedPlaylists.uploads) and playlistItems.list, 1 unit each.",
        { domain: 'global', reason: 'notFound' },
        'NOT_FOUND',
      );
    }
    if (req.method !== 'GET' || !ENDPOINTS.has(path)) {
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
    const out =
      path === '/youtube/v3/channels'
        ? this.channels(req.query, oauth !== undefined && key === null ? rec.accountId : undefined)
        : path === '/youtube/v3/playlistItems'
          ? this.playlistItems(req.query)
          : this.list(req.query);
    return { ...out, accountId: rec.accountId };
  }

  private parts(query: URLSearchParams, allowed: Set<string>): string[] | SimResponse {
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
      if (!allowed.has(p)) {
        return googleError(400, `'${p}'`, {
          domain: 'youtube.part',
          reason: 'unknownPart',
          location: 'part',
          locationType: 'parameter',
        });
      }
    }
    return parts;
  }

  /** `maxResults`: default 5, 0..50 (as channels.list and playlistItems.list document). */
  private maxResults(query: URLSearchParams): number | SimResponse {
    const raw = query.get('maxResults');
    if (raw === null || raw === '') return 5;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 50) {
      return googleError(400, `Invalid value '${raw}'. Values must be within the range: [0, 50]`, {
        domain: 'youtube.parameter',
        reason: 'invalidParameter',
        location: 'maxResults',
        locationType: 'parameter',
      });
    }
    return n;
  }

  private liveVideos(channelId: string, now: number): SimPost[] {
    return (this.ctx.dataset.timeline.get(channelId) ?? []).filter(
      (p) => p.platform === 'youtube' && isLive(this.ctx, p, now),
    );
  }

  /** `channels.list`: by `id` (up to 50), `forHandle`, `forUsername`, or `mine` (OAuth only). */
  private channels(query: URLSearchParams, oauthChannel: string | undefined): SimResponse {
    const parts = this.parts(query, CHANNEL_PARTS);
    if (!Array.isArray(parts)) return parts;
    const channels = this.ctx.dataset.accounts.filter((a) => a.platform === 'youtube');
    let found: typeof channels;
    const id = query.get('id');
    const handle = query.get('forHandle');
    const username = query.get('forUsername');
    const mine = query.get('mine');
    if (id !== null && id.trim() !== '') {
      const ids = id
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (ids.length > YOUTUBE_MAX_IDS) {
        return googleError(400, `The request specifies more than ${YOUTUBE_MAX_IDS} channel IDs.`, {
          domain: 'youtube.parameter',
          reason: 'invalidFilters',
          location: 'id',
          locationType: 'parameter',
        });
      }
      found = ids.flatMap((x) => channels.filter((c) => c.accountId === x));
    } else if (handle !== null && handle.trim() !== '') {
      const h = handle.trim().replace(/^@/, '').toLowerCase();
      found = channels.filter((c) => c.username.replace(/^@/, '').toLowerCase() === h);
    } else if (username !== null && username.trim() !== '') {
      const u = username.trim().toLowerCase();
      found = channels.filter((c) => c.username.replace(/^@/, '').toLowerCase() === u);
    } else if (mine === 'true') {
      if (oauthChannel === undefined) {
        return googleError(
          401,
          'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
          {
            domain: 'global',
            reason: 'required',
            location: 'Authorization',
            locationType: 'header',
          },
          'UNAUTHENTICATED',
        );
      }
      found = channels.filter((c) => c.accountId === oauthChannel);
    } else {
      return googleError(
        400,
        'No filter selected. Expected one of: forUsername, managedByMe, mine, mySubscribers, id, forHandle',
        {
          domain: 'youtube.parameter',
          reason: 'missingRequiredParameter',
          location: 'parameters.',
          locationType: 'other',
        },
      );
    }
    const now = this.ctx.clock.now();
    const items = found.map((c) => {
      const out: Record<string, unknown> = {
        kind: 'youtube#channel',
        etag: etag(`${c.accountId}:${now}`),
        id: c.accountId,
      };
      const videos = this.liveVideos(c.accountId, now);
      if (parts.includes('snippet')) {
        const first = this.ctx.dataset.firstPublishedAt;
        out.snippet = {
          title: c.name,
          description: '',
          customUrl: c.username.startsWith('@')
            ? c.username.toLowerCase()
            : `@${c.username.toLowerCase()}`,
          publishedAt: ytTime(Math.min(first, now) - 365 * 86_400_000),
          defaultLanguage: 'th',
          country: 'TH',
        };
      }
      if (parts.includes('contentDetails')) {
        out.contentDetails = {
          relatedPlaylists: { likes: '', uploads: uploadsPlaylistOf(c.accountId) },
        };
      }
      if (parts.includes('statistics')) {
        let views = 0;
        for (const v of videos)
          views += grownValue(v.finalReach, v.publishedAt, now, v.tauDays, v.curveDays);
        out.statistics = {
          viewCount: String(views),
          subscriberCount: '120000',
          hiddenSubscriberCount: false,
          videoCount: String(videos.length),
        };
      }
      return out;
    });
    const body: Record<string, unknown> = {
      kind: 'youtube#channelListResponse',
      etag: etag(JSON.stringify(items)),
      pageInfo: { totalResults: items.length, resultsPerPage: 5 },
    };
    // YouTube leaves `items` out when nothing matched.
    if (items.length > 0) body.items = items;
    return { status: 200, body };
  }

  /** `playlistItems.list` on a channel's uploads playlist: newest first, `pageToken` paging. */
  private playlistItems(query: URLSearchParams): SimResponse {
    const parts = this.parts(query, PLAYLIST_ITEM_PARTS);
    if (!Array.isArray(parts)) return parts;
    const playlistId = query.get('playlistId');
    if (playlistId === null || playlistId.trim() === '') {
      return googleError(400, 'No filter selected. Expected one of: id, playlistId', {
        domain: 'youtube.parameter',
        reason: 'missingRequiredParameter',
        location: 'parameters.',
        locationType: 'other',
      });
    }
    const channel = this.ctx.dataset.accounts.find(
      (a) => a.platform === 'youtube' && uploadsPlaylistOf(a.accountId) === playlistId.trim(),
    );
    if (!channel) {
      const msg =
        "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.";
      return googleError(404, msg, {
        domain: 'youtube.playlistItem',
        reason: 'playlistNotFound',
        location: 'playlistId',
        locationType: 'parameter',
      });
    }
    const max = this.maxResults(query);
    if (typeof max !== 'number') return max;
    const now = this.ctx.clock.now();
    const all = this.liveVideos(channel.accountId, now);
    let start = 0;
    const tokenRaw = query.get('pageToken');
    if (tokenRaw !== null && tokenRaw !== '') {
      const c = decodePageToken(tokenRaw);
      if (!c) {
        return googleError(400, 'The request specifies an invalid page token.', {
          domain: 'youtube.parameter',
          reason: 'invalidPageToken',
          location: 'pageToken',
          locationType: 'parameter',
        });
      }
      // First video strictly older than the cursor (stable while new videos appear).
      start = all.findIndex((p) => p.publishedAt < c.t || (p.publishedAt === c.t && p.id < c.id));
      if (start < 0) start = all.length;
    }
    const page = all.slice(start, start + max);
    const items = page.map((v, k) => {
      const out: Record<string, unknown> = {
        kind: 'youtube#playlistItem',
        etag: etag(`${playlistId}:${v.id}`),
        id: Buffer.from(`${playlistId}.${v.id}`).toString('base64url'),
      };
      if (parts.includes('snippet')) {
        out.snippet = {
          publishedAt: ytTime(v.publishedAt),
          channelId: channel.accountId,
          title: v.title,
          description: v.text,
          channelTitle: channel.name,
          playlistId,
          position: start + k,
          resourceId: { kind: 'youtube#video', videoId: v.id },
          videoOwnerChannelTitle: channel.name,
          videoOwnerChannelId: channel.accountId,
        };
      }
      if (parts.includes('contentDetails')) {
        out.contentDetails = { videoId: v.id, videoPublishedAt: ytTime(v.publishedAt) };
      }
      if (parts.includes('status')) out.status = { privacyStatus: 'public' };
      return out;
    });
    const body: Record<string, unknown> = {
      kind: 'youtube#playlistItemListResponse',
      etag: etag(JSON.stringify(items)),
    };
    const last = page[page.length - 1];
    if (last && start + page.length < all.length) {
      body.nextPageToken = encodePageToken({ t: last.publishedAt, id: last.id });
    }
    body.items = items;
    body.pageInfo = { totalResults: all.length, resultsPerPage: max };
    return { status: 200, body };
  }

  private list(query: URLSearchParams): SimResponse {
    const parts = this.parts(query, PARTS);
    if (!Array.isArray(parts)) return parts;
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
        publishedAt: ytTime(v.publishedAt),
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
