/**
 * X API v2: `GET /2/tweets?ids=` (post lookup, up to 100 ids) and `GET /2/users/:id/tweets`
 * (timeline). Per-token 15-minute windows with `x-rate-limit-*` headers; 429 when spent; missing or
 * deleted ids come back as HTTP 200 with an `errors` array.
 */
import { isLive, type SimContext } from '../context';
import type { SimPost } from '../dataset';
import { grownValue } from '../curve';
import { FixedWindow, Keyed } from '../rateLimits';
import { bearer, type TokenRecord } from '../tokens';
import { DAY_MS, type PlatformHandler, type SimRequest, type SimResponse } from '../types';
import { pageOf } from './graph';

export const X_MAX_IDS = 100;
const TWEET_FIELDS = [
  'attachments',
  'author_id',
  'context_annotations',
  'conversation_id',
  'created_at',
  'edit_controls',
  'edit_history_tweet_ids',
  'entities',
  'geo',
  'id',
  'in_reply_to_user_id',
  'lang',
  'non_public_metrics',
  'organic_metrics',
  'possibly_sensitive',
  'promoted_metrics',
  'public_metrics',
  'referenced_tweets',
  'reply_settings',
  'source',
  'text',
  'withheld',
];
const PRIVATE_FIELDS = new Set(['non_public_metrics', 'organic_metrics']);
const INVALID = 'https://api.twitter.com/2/problems/invalid-request';

function problem(
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): SimResponse {
  return { status, headers, body: { title, detail, type: 'about:blank', status } };
}

function invalid(message: string, parameter: string, values: string[]): SimResponse {
  return {
    status: 400,
    body: {
      errors: [{ parameters: { [parameter]: values }, message }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: INVALID,
    },
  };
}

export class XPlatform implements PlatformHandler {
  readonly platform = 'x' as const;
  private readonly windows: Keyed<FixedWindow>;
  private readonly timelineWindows: Keyed<FixedWindow>;

  constructor(private readonly ctx: SimContext) {
    const l = ctx.limits.x;
    this.windows = new Keyed(() => new FixedWindow(l.windowMs, l.limit));
    // GET /2/users/:id/tweets: 900 per 15 minutes per user.
    this.timelineWindows = new Keyed(() => new FixedWindow(l.windowMs, Math.min(900, l.limit)));
  }

  resetLimits(): void {
    this.windows.clear();
    this.timelineWindows.clear();
  }

  serverError(): SimResponse {
    return problem(503, 'Service Unavailable', 'Service Unavailable');
  }

  handle(req: SimRequest): SimResponse {
    const path = req.path.replace(/\/+$/, '');
    const timeline = /^\/2\/users\/([^/]+)\/tweets$/.exec(path);
    if (req.method !== 'GET' || (path !== '/2/tweets' && !timeline)) {
      return problem(
        404,
        'Not Found Error',
        `Sorry, that page does not exist: ${req.method} ${req.path}`,
      );
    }
    const rec = this.ctx.tokens.get(bearer(req.headers.authorization));
    if (!rec || rec.platform !== 'x' || rec.status !== 'valid') {
      return problem(401, 'Unauthorized', 'Unauthorized');
    }
    const w = (timeline ? this.timelineWindows : this.windows).get(rec.token).take(this.ctx.wall());
    const headers = {
      'x-rate-limit-limit': String(
        (timeline ? this.timelineWindows : this.windows).get(rec.token).limit,
      ),
      'x-rate-limit-remaining': String(this.ctx.faults.throttled('x') ? 0 : w.remaining),
      'x-rate-limit-reset': String(Math.ceil(w.resetAt / 1000)),
    };
    if (!w.allowed || this.ctx.faults.throttled('x')) {
      return {
        ...problem(429, 'Too Many Requests', 'Too Many Requests', headers),
        accountId: rec.accountId,
      };
    }
    const fields = this.tweetFields(req.query);
    if (!Array.isArray(fields)) return { ...fields, headers };
    const res = timeline
      ? this.userTweets(timeline[1] ?? '', req.query, fields, rec)
      : this.lookup(req.query, fields, rec);
    return { ...res, headers: { ...headers, ...res.headers }, accountId: rec.accountId };
  }

  private tweetFields(query: URLSearchParams): string[] | SimResponse {
    const raw = query.get('tweet.fields');
    if (raw === null || raw === '') return [];
    const fields = raw.split(',').map((s) => s.trim());
    for (const f of fields) {
      if (!TWEET_FIELDS.includes(f)) {
        return invalid(
          `The \`tweet.fields\` query parameter value [${f}] is not one of [${TWEET_FIELDS.join(',')}]`,
          'tweet.fields',
          [raw],
        );
      }
    }
    return fields;
  }

  private lookup(query: URLSearchParams, fields: string[], rec: TokenRecord): SimResponse {
    const raw = query.get('ids');
    if (raw === null || raw.trim() === '') {
      return invalid('The `ids` query parameter can not be empty', 'ids', []);
    }
    const ids = raw.split(',').map((s) => s.trim());
    if (ids.length > X_MAX_IDS) {
      return invalid(
        `The number of values in the \`ids\` query parameter list [${ids.length}] is not between 1 and ${X_MAX_IDS}`,
        'ids',
        [raw],
      );
    }
    for (const id of ids) {
      if (!/^[0-9]{1,19}$/.test(id)) {
        return invalid(
          `The \`ids\` query parameter value [${id}] does not match ^[0-9]{1,19}$`,
          'ids',
          [id],
        );
      }
    }
    const now = this.ctx.clock.now();
    const data: unknown[] = [];
    const errors: unknown[] = [];
    for (const id of ids) {
      const p = this.ctx.dataset.byId.get(id);
      if (!p || p.platform !== 'x' || !isLive(this.ctx, p, now)) {
        errors.push({
          value: id,
          detail: `Could not find tweet with ids: [${id}].`,
          title: 'Not Found Error',
          resource_type: 'tweet',
          parameter: 'ids',
          resource_id: id,
          type: 'https://api.twitter.com/2/problems/resource-not-found',
        });
        continue;
      }
      data.push(this.tweet(p, fields, rec, now, errors));
    }
    const body: Record<string, unknown> = {};
    if (data.length > 0) body.data = data;
    if (errors.length > 0) body.errors = errors;
    return { status: 200, body };
  }

  private userTweets(
    userId: string,
    query: URLSearchParams,
    fields: string[],
    rec: TokenRecord,
  ): SimResponse {
    const raw = query.get('max_results');
    const max = raw === null ? 10 : Number(raw);
    if (!Number.isInteger(max) || max < 5 || max > 100) {
      return invalid(
        `The \`max_results\` query parameter value [${raw}] is not between 5 and 100`,
        'max_results',
        [String(raw)],
      );
    }
    const account = this.ctx.dataset.accounts.find(
      (a) => a.platform === 'x' && a.accountId === userId,
    );
    if (!account) {
      return {
        status: 200,
        body: {
          errors: [
            {
              value: userId,
              detail: `Could not find user with id: [${userId}].`,
              title: 'Not Found Error',
              resource_type: 'user',
              parameter: 'id',
              resource_id: userId,
              type: 'https://api.twitter.com/2/problems/resource-not-found',
            },
          ],
        },
      };
    }
    const now = this.ctx.clock.now();
    const page = pageOf(
      { ...this.ctx, behaviour: { emptyPageEvery: 0 } },
      this.ctx.dataset.timeline.get(userId) ?? [],
      max,
      query.get('pagination_token') ?? undefined,
      now,
    );
    if (page === 'bad-cursor') {
      return invalid(
        'The `pagination_token` query parameter value is invalid',
        'pagination_token',
        [],
      );
    }
    const errors: unknown[] = [];
    const data = page.posts.map((p) => this.tweet(p, fields, rec, now, errors));
    const meta: Record<string, unknown> = { result_count: data.length };
    const first = page.posts[0];
    const last = page.posts[page.posts.length - 1];
    if (first && last) {
      meta.newest_id = first.id;
      meta.oldest_id = last.id;
    }
    if (page.next !== undefined) meta.next_token = page.next;
    const body: Record<string, unknown> = {};
    if (data.length > 0) body.data = data;
    if (errors.length > 0) body.errors = errors;
    body.meta = meta;
    return { status: 200, body };
  }

  private tweet(
    p: SimPost,
    fields: string[],
    rec: TokenRecord,
    now: number,
    errors: unknown[],
  ): unknown {
    const g = (final: number) => grownValue(final, p.publishedAt, now, p.tauDays, p.curveDays);
    const impressions = g(p.finalReach);
    const likes = g(p.finalLikes);
    const replies = g(p.finalComments);
    const retweets = g(p.finalShares);
    const t: Record<string, unknown> = { id: p.id, text: p.text, edit_history_tweet_ids: [p.id] };
    for (const f of fields) {
      if (PRIVATE_FIELDS.has(f)) {
        const own = rec.accountId === p.accountId;
        if (!own || now - p.publishedAt > 30 * DAY_MS) {
          errors.push({
            value: p.id,
            detail: `Sorry, you are not authorized to access '${f}' on a Tweet when it is older than 30 days or not owned by you.`,
            title: 'Field Authorization Error',
            resource_type: 'tweet',
            field: f,
            parameter: f,
            resource_id: p.id,
            section: 'data',
            type: 'https://api.twitter.com/2/problems/not-authorized-for-field',
          });
          continue;
        }
      }
      if (f === 'created_at') t.created_at = new Date(p.publishedAt).toISOString();
      if (f === 'author_id') t.author_id = p.accountId;
      if (f === 'lang') t.lang = 'th';
      if (f === 'conversation_id') t.conversation_id = p.id;
      if (f === 'public_metrics') {
        t.public_metrics = {
          retweet_count: retweets,
          reply_count: replies,
          like_count: likes,
          quote_count: Math.floor(retweets / 4),
          bookmark_count: Math.floor(likes / 5),
          impression_count: impressions,
        };
      }
      if (f === 'non_public_metrics') {
        t.non_public_metrics = {
          impression_count: impressions,
          url_link_clicks: Math.floor(likes / 3),
          user_profile_clicks: Math.floor(likes / 6),
        };
      }
      if (f === 'organic_metrics') {
        t.organic_metrics = {
          impression_count: impressions,
          like_count: likes,
          reply_count: replies,
          retweet_count: retweets,
          url_link_clicks: Math.floor(likes / 3),
          user_profile_clicks: Math.floor(likes / 6),
        };
      }
    }
    return t;
  }
}
