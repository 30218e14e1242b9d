/**
 * Facebook Pages via the Graph API: page node, `published_posts` (also `posts`, `feed`), post
 * node, post insights, and the Batch API. Page tokens are subject to BUC limits.
 */
import { isLive, type SimContext } from '../context';
import type { SimPost } from '../dataset';
import { grownValue } from '../curve';
import { BucMeter, Keyed } from '../rateLimits';
import type { InstagramPlatform } from './instagram';
import type { TokenRecord } from '../tokens';
import type { PlatformHandler, SimRequest, SimResponse } from '../types';
import {
  authenticate,
  chargeBuc,
  Fail,
  graphError,
  graphOwner,
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

export const MAX_BATCH = 50;

/** Metrics the simulator serves for a post (period `lifetime`). */
export const FACEBOOK_METRICS = ['post_total_media_view_unique', 'post_media_view'] as const;

/** Names Meta has retired: any of them in the list fails the whole call. */
export const FACEBOOK_RETIRED_METRICS = [
  'post_impressions',
  'post_impressions_unique',
  'post_impressions_paid',
  'post_impressions_paid_unique',
  'post_impressions_fan',
  'post_impressions_fan_unique',
  'post_impressions_organic',
  'post_impressions_organic_unique',
  'post_impressions_viral',
  'post_impressions_viral_unique',
  'post_impressions_nonviral',
  'post_impressions_nonviral_unique',
];

const POST_FIELDS = new Set([
  'id',
  'created_time',
  'updated_time',
  'message',
  'permalink_url',
  'status_type',
  'is_published',
  'full_picture',
]);
const PAGE_FIELDS = new Set(['id', 'name', 'username', 'link', 'followers_count', 'fan_count']);
const LIST_EDGES = new Set(['published_posts', 'posts', 'feed']);

interface Ctx {
  versionBase: string;
  token: TokenRecord;
}

export class FacebookPlatform implements PlatformHandler {
  readonly platform = 'facebook' as const;
  private readonly buc: Keyed<BucMeter>;
  /** Batch items on the root Graph path that belong to Instagram go here. */
  instagram?: InstagramPlatform;

  constructor(private readonly ctx: SimContext) {
    const l = ctx.limits.facebook;
    this.buc = new Keyed(() => new BucMeter(l.windowMs, l.callQuota));
  }

  resetLimits(): void {
    this.buc.clear();
  }

  serverError(): SimResponse {
    return graphServerError();
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    const v = splitVersion(req.path);
    if (!v) return unknownPath(req.path);
    const versionBase = `${req.baseUrl}/${v.version}`;
    if (req.method === 'POST' && (v.rest === '/' || v.rest === '')) {
      return this.batch(req, versionBase, v.version, req.root === true);
    }
    if (req.method !== 'GET') {
      return graphError(400, {
        message: `Unsupported ${req.method.toLowerCase()} request. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
        type: 'GraphMethodException',
        code: 100,
      });
    }
    const res = this.get(v.rest, req.query, graphToken(req), versionBase);
    res.headers = { 'facebook-api-version': v.version, ...res.headers };
    return Promise.resolve(res);
  }

  /** One GET against the Graph, as a direct call or as a batch item. */
  get(
    rest: string,
    query: URLSearchParams,
    token: string | undefined,
    versionBase: string,
  ): SimResponse {
    const auth = authenticate(this.ctx, 'facebook', token);
    if ('error' in auth) return auth.error;
    const rec = auth.rec;
    const l = this.ctx.limits.facebook;
    const buc = chargeBuc(
      this.ctx,
      this.buc.get(rec.accountId),
      rec.accountId,
      'pages',
      l.headerThresholdPercent,
      this.ctx.faults.throttled('facebook'),
    );
    if (buc.error) return { ...buc.error, accountId: rec.accountId };
    const res = this.route(rest, query, { versionBase, token: rec });
    res.headers = { ...res.headers, ...buc.headers };
    res.accountId = rec.accountId;
    return res;
  }

  private route(rest: string, query: URLSearchParams, c: Ctx): SimResponse {
    const segs = rest.split('/').filter(Boolean);
    const [node, edge, extra, ...more] = segs;
    if (node === undefined) {
      return graphError(400, {
        message:
          'Unsupported get request. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api',
        type: 'GraphMethodException',
        code: 100,
      });
    }
    const now = this.ctx.clock.now();
    const pageId = c.token.accountId;
    if (node === 'me' || node === pageId) {
      if (edge === undefined) return this.pageNode(pageId, query);
      if (LIST_EDGES.has(edge) && extra === undefined) return this.list(pageId, edge, query, c);
      return unknownPath(`/${segs.slice(1).join('/')}`);
    }
    const post = this.ctx.dataset.byId.get(node);
    if (
      !post ||
      post.platform !== 'facebook' ||
      post.accountId !== pageId ||
      !isLive(this.ctx, post, now)
    ) {
      return unsupportedGet(node);
    }
    if (edge === undefined) {
      const fields = this.postFields(post, query.get('fields'), now, c);
      return fields instanceof Fail ? fields.res : { status: 200, body: fields };
    }
    if (edge === 'insights' && more.length === 0) {
      const metrics = extra !== undefined ? [extra] : metricList(query.get('metric'));
      const period = query.get('period');
      const out = this.insights(post, metrics, now, c);
      if (!Array.isArray(out)) return out;
      return { status: 200, body: { data: period && period !== 'lifetime' ? [] : out } };
    }
    return unknownPath(`/${segs.slice(1).join('/')}`);
  }

  private pageNode(pageId: string, query: URLSearchParams): SimResponse {
    const account = this.ctx.dataset.accounts.find((a) => a.accountId === pageId);
    const fields = splitFields(query.get('fields') ?? 'name,id');
    const out: Record<string, unknown> = {};
    const followers = 1_200_000;
    for (const f of fields) {
      if (!PAGE_FIELDS.has(f)) return nonexistingField(f, 'Page');
      if (f === 'id') out.id = pageId;
      if (f === 'name') out.name = account?.name;
      if (f === 'username') out.username = account?.username;
      if (f === 'link') out.link = `https://www.facebook.com/${pageId}`;
      if (f === 'followers_count') out.followers_count = followers;
      if (f === 'fan_count') out.fan_count = followers - 31_000;
    }
    return { status: 200, body: out };
  }

  private list(pageId: string, edge: string, query: URLSearchParams, c: Ctx): SimResponse {
    if (!c.token.permissions.includes('pages_read_engagement')) {
      return graphError(400, {
        message:
          "(#10) This endpoint requires the 'pages_read_engagement' permission or the 'Page Public Content Access' feature. Refer to https://developers.facebook.com/docs/apps/review/login-permissions#manage-pages and https://developers.facebook.com/docs/apps/review/feature#reference-PAGES_ACCESS for details.",
        code: 10,
      });
    }
    const limit = parseLimit(query);
    if (typeof limit !== 'number') return limit;
    const now = this.ctx.clock.now();
    const timeline = this.ctx.dataset.timeline.get(pageId) ?? [];
    const page = pageOf(this.ctx, timeline, limit, query.get('after') ?? undefined, now);
    if (page === 'bad-cursor') {
      return graphError(400, {
        message: '(#100) Invalid cursor value for parameter after',
        code: 100,
      });
    }
    const items: Record<string, unknown>[] = [];
    for (const p of page.posts) {
      const f = this.postFields(p, query.get('fields'), now, c);
      if (f instanceof Fail) return f.res;
      items.push(f);
    }
    return {
      status: 200,
      body: listBody(items, page, `${c.versionBase}/${pageId}/${edge}`, query, limit),
    };
  }

  private postFields(
    p: SimPost,
    raw: string | null,
    now: number,
    c: Ctx,
  ): Record<string, unknown> | Fail {
    const out: Record<string, unknown> = {};
    for (const f of splitFields(raw ?? 'created_time,message,id')) {
      const m = /^insights(?:\.metric\((.*)\))?$/.exec(f);
      if (m) {
        const data = this.insights(p, metricList(m[1] ?? null), now, c);
        if (!Array.isArray(data)) return new Fail(data);
        out.insights = { data };
        continue;
      }
      if (!POST_FIELDS.has(f)) return new Fail(nonexistingField(f, 'PagePost'));
      const postNum = p.id.split('_')[1] ?? p.id;
      if (f === 'id') out.id = p.id;
      if (f === 'created_time') out.created_time = graphTime(p.publishedAt);
      if (f === 'updated_time') out.updated_time = graphTime(p.publishedAt);
      if (f === 'message') out.message = p.text;
      if (f === 'permalink_url')
        out.permalink_url = `https://www.facebook.com/${p.accountId}/posts/${postNum}`;
      if (f === 'status_type') out.status_type = 'added_photos';
      if (f === 'is_published') out.is_published = true;
      if (f === 'full_picture')
        out.full_picture = `https://scontent.example.invalid/${postNum}.jpg`;
    }
    return out;
  }

  private insights(p: SimPost, metrics: string[], now: number, c: Ctx): unknown[] | SimResponse {
    if (!c.token.permissions.includes('read_insights')) {
      return graphError(400, {
        message: '(#200) Requires read_insights permission to access this endpoint',
        type: 'OAuthException',
        code: 200,
      });
    }
    if (metrics.length === 0) return noMetricError();
    const values: MetricValue[] = [];
    for (const name of metrics) {
      const known = (FACEBOOK_METRICS as readonly string[]).includes(name);
      if (!known || this.ctx.faults.retired('facebook', name)) {
        return graphError(400, {
          message: '(#100) The value must be a valid insights metric',
          code: 100,
        });
      }
      if (name === 'post_total_media_view_unique') {
        values.push({
          name,
          value: grownValue(p.finalReach, p.publishedAt, now, p.tauDays, p.curveDays),
          title: 'Lifetime Post Total Viewers',
          description:
            'Lifetime: The number of people who saw any content of your Page post at least once.',
        });
      } else {
        values.push({
          name,
          value: grownValue(p.finalViews, p.publishedAt, now, p.tauDays, p.curveDays),
          title: 'Lifetime Post Media Views',
          description: 'Lifetime: The number of times your Page post was on screen.',
        });
      }
    }
    return insightsData(p.id, values);
  }

  // ------------------------------------------------------------------------------- batch

  private batch(req: SimRequest, versionBase: string, version: string, root: boolean): SimResponse {
    const params = new URLSearchParams(req.query);
    let batchRaw: unknown;
    const ctype = String(req.headers['content-type'] ?? '');
    if (ctype.includes('application/json')) {
      try {
        const j = JSON.parse(req.body || '{}') as Record<string, unknown>;
        for (const [k, val] of Object.entries(j)) {
          if (k === 'batch') batchRaw = val;
          else if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean') {
            params.set(k, String(val));
          }
        }
      } catch {
        return graphError(400, { message: '(#100) The request body is not valid JSON', code: 100 });
      }
    } else {
      for (const [k, val] of new URLSearchParams(req.body)) params.set(k, val);
    }
    if (batchRaw === undefined) {
      const s = params.get('batch');
      if (s === null) {
        return graphError(400, { message: '(#100) The parameter batch is required', code: 100 });
      }
      try {
        batchRaw = JSON.parse(s);
      } catch {
        return graphError(400, { message: '(#100) param batch must be a JSON array', code: 100 });
      }
    }
    if (!Array.isArray(batchRaw)) {
      return graphError(400, { message: '(#100) param batch must be a JSON array', code: 100 });
    }
    if (batchRaw.length > MAX_BATCH) {
      return graphError(400, {
        message: `Too many requests in batch message. Maximum batch size is ${MAX_BATCH}`,
        type: 'GraphBatchException',
        code: 1,
      });
    }
    const outerToken = params.get('access_token') ?? graphToken(req);
    const outerOwner =
      root && graphOwner(this.ctx, undefined, outerToken ?? undefined) === 'instagram'
        ? 'instagram'
        : 'facebook';
    const auth = authenticate(this.ctx, outerOwner, outerToken ?? undefined);
    if ('error' in auth) return auth.error;
    const includeHeaders = params.get('include_headers') !== 'false';
    const faults = this.ctx.faults.get();
    const out: unknown[] = [];
    let lastUsage: string | undefined;
    for (const item of batchRaw as unknown[]) {
      if (this.ctx.faults.roll(faults.batchNullRate)) {
        out.push(null);
        continue;
      }
      const res = this.ctx.faults.roll(faults.batchTimeoutRate)
        ? graphError(400, {
            message:
              'Request took too long to process. Please try again later or reduce the amount of data.',
            code: 960,
            isTransient: true,
          })
        : this.batchItem(item, outerToken ?? undefined, versionBase, root);
      const usage = res.headers?.['x-business-use-case-usage'];
      if (usage !== undefined) lastUsage = usage;
      const entry: Record<string, unknown> = { code: res.status };
      if (includeHeaders) {
        const headers = [
          { name: 'Content-Type', value: 'text/javascript; charset=UTF-8' },
          { name: 'Cache-Control', value: 'private, no-cache, no-store, must-revalidate' },
          { name: 'facebook-api-version', value: version },
        ];
        if (usage !== undefined) headers.push({ name: 'X-Business-Use-Case-Usage', value: usage });
        entry.headers = headers;
      }
      entry.body = JSON.stringify(res.body);
      out.push(entry);
    }
    const headers: Record<string, string> = { 'facebook-api-version': version };
    if (lastUsage !== undefined) headers['x-business-use-case-usage'] = lastUsage;
    return {
      status: 200,
      headers,
      body: out,
      accountId: auth.rec.accountId,
      items: batchRaw.length,
    };
  }

  private batchItem(
    item: unknown,
    outerToken: string | undefined,
    versionBase: string,
    root: boolean,
  ): SimResponse {
    if (!item || typeof item !== 'object') {
      return graphError(400, { message: '(#100) Each batch item must be an object', code: 100 });
    }
    const it = item as Record<string, unknown>;
    const method = typeof it.method === 'string' ? it.method.toUpperCase() : 'GET';
    const rel = it.relative_url;
    if (typeof rel !== 'string' || rel === '') {
      return graphError(400, { message: '(#100) Missing relative_url in batch item', code: 100 });
    }
    if (method !== 'GET') {
      return graphError(400, {
        message: `Unsupported ${method.toLowerCase()} request.`,
        type: 'GraphMethodException',
        code: 100,
      });
    }
    const q = rel.indexOf('?');
    let path = q >= 0 ? rel.slice(0, q) : rel;
    const query = new URLSearchParams(q >= 0 ? rel.slice(q + 1) : '');
    path = `/${path.replace(/^\/+/, '').replace(/^v\d+\.\d+\//, '')}`;
    const token =
      query.get('access_token') ??
      (typeof it.access_token === 'string' ? it.access_token : outerToken);
    // On the real host's root a batch may mix Facebook and Instagram calls.
    if (root && this.instagram) {
      const node = path.split('/').filter(Boolean)[0];
      if (graphOwner(this.ctx, node, token) === 'instagram') {
        return this.instagram.get(path, query, token, versionBase);
      }
    }
    return this.get(path, query, token, versionBase);
  }
}
