/**
 * Instagram (Instagram API with Facebook Login, on the Graph): user node, `/{ig-user-id}/media`
 * (cursor paging), media node, media insights. IG calls count against the `instagram` BUC.
 */
import { isLive, type SimContext } from '../context';
import type { SimPost } from '../dataset';
import { grownValue } from '../curve';
import { BucMeter, Keyed } from '../rateLimits';
import type { TokenRecord } from '../tokens';
import type { PlatformHandler, SimRequest, SimResponse } from '../types';
import {
  authenticate,
  chargeBuc,
  Fail,
  graphError,
  graphServerError,
  graphTime,
  graphToken,
  insightsData,
  listBody,
  metricList,
  noMetricError,
  nonexistingField,
  pageOf,
  parseLimit,
  splitFields,
  splitVersion,
  unknownPath,
  unsupportedGet,
  type MetricValue,
} from './graph';

export const INSTAGRAM_METRICS = [
  'reach',
  'views',
  'likes',
  'comments',
  'shares',
  'saved',
  'total_interactions',
] as const;

/** Retired in 2025: any of them fails the whole insights call. */
export const INSTAGRAM_RETIRED_METRICS = [
  'impressions',
  'plays',
  'clips_replays_count',
  'ig_reels_aggregated_all_plays_count',
  'video_views',
];

const MEDIA_FIELDS = new Set([
  'id',
  'caption',
  'media_type',
  'media_product_type',
  'timestamp',
  'permalink',
  'like_count',
  'comments_count',
  'username',
]);
const USER_FIELDS = new Set(['id', 'username', 'name', 'followers_count', 'media_count']);

const TITLES: Record<string, [string, string]> = {
  reach: ['Reach', 'Total number of unique accounts that have seen the media object'],
  views: ['Views', 'Total number of times the media object was viewed'],
  likes: ['Likes', 'Total number of likes on the media object'],
  comments: ['Comments', 'Total number of comments on the media object'],
  shares: ['Shares', 'Total number of shares of the media object'],
  saved: ['Saved', 'Total number of unique accounts that have saved the media object'],
  total_interactions: [
    'Total interactions',
    'Likes, saves, comments and shares on the media object',
  ],
};

export class InstagramPlatform implements PlatformHandler {
  readonly platform = 'instagram' as const;
  private readonly buc: Keyed<BucMeter>;

  constructor(private readonly ctx: SimContext) {
    const l = ctx.limits.instagram;
    this.buc = new Keyed(() => new BucMeter(l.windowMs, l.callQuota));
  }

  resetLimits(): void {
    this.buc.clear();
  }

  serverError(): SimResponse {
    return graphServerError();
  }

  handle(req: SimRequest): SimResponse {
    const v = splitVersion(req.path);
    if (!v) return unknownPath(req.path);
    if (req.method !== 'GET') {
      return graphError(400, {
        message: `Unsupported ${req.method.toLowerCase()} request.`,
        type: 'GraphMethodException',
        code: 100,
      });
    }
    const res = this.get(v.rest, req.query, graphToken(req), `${req.baseUrl}/${v.version}`);
    res.headers = { 'facebook-api-version': v.version, ...res.headers };
    return res;
  }

  /** One GET against the Graph as Instagram, as a direct call or as a batch item. */
  get(
    rest: string,
    query: URLSearchParams,
    token: string | undefined,
    versionBase: string,
  ): SimResponse {
    const auth = authenticate(this.ctx, 'instagram', token);
    if ('error' in auth) return auth.error;
    const rec = auth.rec;
    const buc = chargeBuc(
      this.ctx,
      this.buc.get(rec.accountId),
      rec.accountId,
      'instagram',
      this.ctx.limits.instagram.headerThresholdPercent,
      this.ctx.faults.throttled('instagram'),
    );
    if (buc.error) return { ...buc.error, accountId: rec.accountId };
    const res = this.route(rest, query, rec, versionBase);
    res.headers = { ...res.headers, ...buc.headers };
    res.accountId = rec.accountId;
    return res;
  }

  private route(
    rest: string,
    query: URLSearchParams,
    rec: TokenRecord,
    versionBase: string,
  ): SimResponse {
    const segs = rest.split('/').filter(Boolean);
    const [node, edge, extra, ...more] = segs;
    if (node === undefined) return unsupportedGet('');
    const now = this.ctx.clock.now();
    const userId = rec.accountId;
    if (node === 'me' || node === userId) {
      if (edge === undefined) return this.userNode(userId, query, now);
      if (edge === 'media' && extra === undefined)
        return this.media(userId, query, rec, versionBase, now);
      return unknownPath(`/${segs.slice(1).join('/')}`);
    }
    const post = this.ctx.dataset.byId.get(node);
    if (
      !post ||
      post.platform !== 'instagram' ||
      post.accountId !== userId ||
      !isLive(this.ctx, post, now)
    ) {
      return unsupportedGet(node);
    }
    if (edge === undefined) {
      const f = this.mediaFields(post, query.get('fields'), now);
      return f instanceof Fail ? f.res : { status: 200, body: f };
    }
    if (edge === 'insights' && more.length === 0) {
      if (!rec.permissions.includes('instagram_manage_insights')) {
        return graphError(400, {
          message: '(#10) Application does not have permission for this action',
          code: 10,
        });
      }
      const metrics = extra !== undefined ? [extra] : metricList(query.get('metric'));
      return this.insights(post, metrics, now);
    }
    return unknownPath(`/${segs.slice(1).join('/')}`);
  }

  private userNode(userId: string, query: URLSearchParams, now: number): SimResponse {
    const account = this.ctx.dataset.accounts.find((a) => a.accountId === userId);
    const out: Record<string, unknown> = {};
    for (const f of splitFields(query.get('fields') ?? 'id')) {
      if (!USER_FIELDS.has(f)) return nonexistingField(f, 'User');
      if (f === 'id') out.id = userId;
      if (f === 'username') out.username = account?.username;
      if (f === 'name') out.name = account?.name;
      if (f === 'followers_count') out.followers_count = 310_000;
      if (f === 'media_count') {
        out.media_count = (this.ctx.dataset.timeline.get(userId) ?? []).filter((p) =>
          isLive(this.ctx, p, now),
        ).length;
      }
    }
    return { status: 200, body: out };
  }

  private media(
    userId: string,
    query: URLSearchParams,
    rec: TokenRecord,
    versionBase: string,
    now: number,
  ): SimResponse {
    if (!rec.permissions.includes('instagram_basic')) {
      return graphError(400, {
        message: '(#10) Application does not have permission for this action',
        code: 10,
      });
    }
    const limit = parseLimit(query);
    if (typeof limit !== 'number') return limit;
    const page = pageOf(
      this.ctx,
      this.ctx.dataset.timeline.get(userId) ?? [],
      limit,
      query.get('after') ?? undefined,
      now,
    );
    if (page === 'bad-cursor') {
      return graphError(400, {
        message: '(#100) Invalid cursor value for parameter after',
        code: 100,
      });
    }
    const items: Record<string, unknown>[] = [];
    for (const p of page.posts) {
      const f = this.mediaFields(p, query.get('fields'), now);
      if (f instanceof Fail) return f.res;
      items.push(f);
    }
    return {
      status: 200,
      body: listBody(items, page, `${versionBase}/${userId}/media`, query, limit),
    };
  }

  private mediaFields(p: SimPost, raw: string | null, now: number): Record<string, unknown> | Fail {
    const out: Record<string, unknown> = {};
    const account = this.ctx.dataset.accounts.find((a) => a.accountId === p.accountId);
    for (const f of splitFields(raw ?? 'id')) {
      if (!MEDIA_FIELDS.has(f)) return new Fail(nonexistingField(f, 'IGMedia'));
      if (f === 'id') out.id = p.id;
      if (f === 'caption') out.caption = p.text;
      if (f === 'media_type') out.media_type = 'IMAGE';
      if (f === 'media_product_type') out.media_product_type = 'FEED';
      if (f === 'timestamp') out.timestamp = graphTime(p.publishedAt);
      if (f === 'permalink') out.permalink = `https://www.instagram.com/p/${p.id.slice(-11)}/`;
      if (f === 'username') out.username = account?.username;
      if (f === 'like_count')
        out.like_count = grownValue(p.finalLikes, p.publishedAt, now, p.tauDays, p.curveDays);
      if (f === 'comments_count') {
        out.comments_count = grownValue(
          p.finalComments,
          p.publishedAt,
          now,
          p.tauDays,
          p.curveDays,
        );
      }
    }
    return out;
  }

  private insights(p: SimPost, metrics: string[], now: number): SimResponse {
    if (metrics.length === 0) return noMetricError();
    const g = (final: number) => grownValue(final, p.publishedAt, now, p.tauDays, p.curveDays);
    const values: MetricValue[] = [];
    for (const name of metrics) {
      if (INSTAGRAM_RETIRED_METRICS.includes(name) || this.ctx.faults.retired('instagram', name)) {
        return graphError(400, {
          message: `(#100) Starting from version 22 and above, the ${name} metric is no longer supported for the queried media (IMAGE). Please refer to https://developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights for the list of supported metrics.`,
          code: 100,
        });
      }
      if (!(INSTAGRAM_METRICS as readonly string[]).includes(name)) {
        return graphError(400, {
          message: `(#100) metric[${metrics.indexOf(name)}] must be one of the following values: ${INSTAGRAM_METRICS.join(', ')}`,
          code: 100,
        });
      }
      const likes = g(p.finalLikes);
      const comments = g(p.finalComments);
      const shares = g(p.finalShares);
      const saved = Math.floor(shares / 2);
      const valueOf: Record<(typeof INSTAGRAM_METRICS)[number], number> = {
        reach: g(p.finalReach),
        views: g(p.finalViews),
        likes,
        comments,
        shares,
        saved,
        total_interactions: likes + comments + shares + saved,
      };
      const value = valueOf[name as (typeof INSTAGRAM_METRICS)[number]];
      const [title, description] = TITLES[name] ?? [name, name];
      values.push({ name, value, title, description });
    }
    if (g(p.finalReach) < 5) {
      return graphError(400, {
        message: '(#10) Not enough viewers for the media to show insights',
        code: 10,
      });
    }
    return { status: 200, body: { data: insightsData(p.id, values) } };
  }
}
