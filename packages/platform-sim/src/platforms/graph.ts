/**
 * What Facebook and Instagram (both the Graph API) share: error bodies, token checks, field lists,
 * cursor paging, insights bodies and Business Use Case usage.
 */
import { randomBytes } from 'node:crypto';
import { isLive, type SimContext } from '../context';
import type { SimPost } from '../dataset';
import type { BucMeter } from '../rateLimits';
import { bearer, type TokenRecord } from '../tokens';
import type { SimRequest, SimResponse } from '../types';

export interface GraphErrorSpec {
  message: string;
  type?: string;
  code: number;
  subcode?: number;
  isTransient?: boolean;
  userTitle?: string;
  userMsg?: string;
}

/** A failed step that carries the whole call's error answer. */
export class Fail {
  constructor(readonly res: SimResponse) {}
}

export function fbtraceId(): string {
  return randomBytes(9).toString('base64').replace(/[+/=]/g, 'A');
}

export function graphError(
  status: number,
  spec: GraphErrorSpec,
  headers: Record<string, string> = {},
): SimResponse {
  const error: Record<string, unknown> = {
    message: spec.message,
    type: spec.type ?? 'OAuthException',
    code: spec.code,
  };
  if (spec.subcode !== undefined) error.error_subcode = spec.subcode;
  if (spec.isTransient !== undefined) error.is_transient = spec.isTransient;
  if (spec.userTitle !== undefined) error.error_user_title = spec.userTitle;
  if (spec.userMsg !== undefined) error.error_user_msg = spec.userMsg;
  error.fbtrace_id = fbtraceId();
  return { status, headers, body: { error } };
}

export function graphServerError(): SimResponse {
  return graphError(500, {
    message: 'An unknown error occurred',
    code: 1,
    subcode: 99,
    isTransient: true,
  });
}

export function unsupportedGet(id: string): SimResponse {
  return graphError(400, {
    message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    type: 'GraphMethodException',
    code: 100,
    subcode: 33,
  });
}

export function unknownPath(rest: string): SimResponse {
  return graphError(400, { message: `Unknown path components: ${rest}`, code: 2500 });
}

export function nonexistingField(field: string, nodeType: string): SimResponse {
  return graphError(400, {
    message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`,
    code: 100,
  });
}

/** `/v25.0/rest` -> { version: 'v25.0', rest: '/rest' }. */
export function splitVersion(path: string): { version: string; rest: string } | undefined {
  const m = /^\/(v\d+\.\d+)(\/.*)?$/.exec(path);
  if (!m?.[1]) return undefined;
  return { version: m[1], rest: m[2] ?? '/' };
}

export function graphToken(req: SimRequest): string | undefined {
  return req.query.get('access_token') ?? bearer(req.headers.authorization);
}

/**
 * Which Graph product owns a node: a Facebook page or post id -> facebook, an IG user or media id
 * -> instagram; `me` and unknown ids go by the token's platform. Undefined when nothing tells.
 */
export function graphOwner(
  ctx: SimContext,
  node: string | undefined,
  token: string | undefined,
): 'facebook' | 'instagram' | undefined {
  const graphy = (p: string | undefined) => (p === 'facebook' || p === 'instagram' ? p : undefined);
  if (node !== undefined && node !== 'me') {
    const post = ctx.dataset.byId.get(node);
    if (post) return graphy(post.platform);
    const account = ctx.dataset.accounts.find((a) => a.accountId === node);
    if (account) return graphy(account.platform);
  }
  return graphy(ctx.tokens.get(token)?.platform);
}

const DATE_FMT = (ms: number): string => {
  const d = new Date(ms);
  return `${d.toUTCString().slice(0, 16)} ${d.toISOString().slice(11, 19)} UTC`;
};

/** Check a token; answers the Graph error for a missing, unknown, expired or invalid one. */
export function authenticate(
  ctx: SimContext,
  platform: 'facebook' | 'instagram',
  token: string | undefined,
): { rec: TokenRecord } | { error: SimResponse } {
  if (!token) {
    return {
      error: graphError(400, {
        message: 'An access token is required to request this resource.',
        code: 104,
      }),
    };
  }
  const rec = ctx.tokens.get(token);
  const www = (msg: string) => ({
    'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${msg}"`,
  });
  if (!rec || rec.platform !== platform) {
    const message = 'Invalid OAuth access token - Cannot parse access token';
    return { error: graphError(400, { message, code: 190 }, www(message)) };
  }
  if (rec.status === 'expired') {
    const now = ctx.clock.now();
    const message = `Error validating access token: Session has expired on ${DATE_FMT(now - 3_600_000)}. The current time is ${DATE_FMT(now)}.`;
    return { error: graphError(400, { message, code: 190, subcode: 463 }, www(message)) };
  }
  if (rec.status === 'invalid') {
    const message =
      'Error validating access token: The session is invalid because the user logged out.';
    return { error: graphError(400, { message, code: 190, subcode: 467 }, www(message)) };
  }
  return { rec };
}

/** Split a `fields` list at top-level commas: `id,insights.metric(a,b)` -> 2 fields. */
export function splitFields(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '{') depth++;
    if (ch === ')' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** Graph's timestamp format: `2021-06-01T03:00:00+0000`. */
export function graphTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+0000`;
}

// ---------------------------------------------------------------------------------- paging

interface Cursor {
  t: number;
  id: string;
  /** Set once the "empty page" for this cursor has been served. */
  e?: 1;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(s: string): Cursor | undefined {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (
      v &&
      typeof v === 'object' &&
      typeof (v as Cursor).t === 'number' &&
      typeof (v as Cursor).id === 'string'
    ) {
      return v as Cursor;
    }
  } catch {
    // fall through
  }
  return undefined;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export interface Page {
  posts: SimPost[];
  before?: string;
  after?: string;
  /** Cursor for `paging.next`, when there is more to read (or an empty page was served). */
  next?: string;
  /** Cursor for `paging.previous`. */
  previous?: string;
}

/**
 * One page of a newest-first timeline, keyed by cursor (the last post served), so paging stays
 * stable while new posts appear. A page is empty-but-has-next now and then (`emptyPageEvery`).
 */
export function pageOf(
  ctx: SimContext,
  timeline: SimPost[],
  limit: number,
  afterRaw: string | undefined,
  now: number,
): Page | 'bad-cursor' {
  let after: Cursor | undefined;
  if (afterRaw !== undefined) {
    after = decodeCursor(afterRaw);
    if (!after) return 'bad-cursor';
    const every = ctx.behaviour.emptyPageEvery;
    if (!after.e && every > 0 && hash(afterRaw) % every === 0) {
      return {
        posts: [],
        before: afterRaw,
        after: afterRaw,
        next: encodeCursor({ ...after, e: 1 }),
      };
    }
  }
  // Binary search: first index strictly "older" than the cursor.
  let lo = 0;
  let hi = timeline.length;
  if (after) {
    const key = after;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = timeline[mid] as SimPost;
      const older = p.publishedAt < key.t || (p.publishedAt === key.t && p.id < key.id);
      if (older) hi = mid;
      else lo = mid + 1;
    }
  } else {
    // Skip posts not yet published: first index with publishedAt <= now.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((timeline[mid] as SimPost).publishedAt <= now) hi = mid;
      else lo = mid + 1;
    }
  }
  const posts: SimPost[] = [];
  let i = lo;
  let last: SimPost | undefined;
  for (; i < timeline.length && posts.length < limit; i++) {
    const p = timeline[i] as SimPost;
    last = p;
    if (isLive(ctx, p, now)) posts.push(p);
  }
  const page: Page = { posts };
  const first = posts[0];
  if (first) page.before = encodeCursor({ t: first.publishedAt, id: first.id });
  if (last) page.after = encodeCursor({ t: last.publishedAt, id: last.id });
  if (i < timeline.length && page.after) page.next = page.after;
  if (afterRaw !== undefined && page.before) page.previous = page.before;
  return page;
}

/** The `{data, paging}` body of a list edge, with `next` pointing back at this server. */
export function listBody(
  items: unknown[],
  page: Page,
  edgeUrl: string,
  query: URLSearchParams,
  limit: number,
): Record<string, unknown> {
  const link = (param: 'after' | 'before', cursor: string): string => {
    const q = new URLSearchParams();
    for (const k of ['access_token', 'fields']) {
      const v = query.get(k);
      if (v !== null) q.set(k, v);
    }
    q.set('pretty', '0');
    q.set('limit', String(limit));
    q.set(param, cursor);
    return `${edgeUrl}?${q.toString()}`;
  };
  const paging: Record<string, unknown> = {};
  if (page.before !== undefined || page.after !== undefined) {
    paging.cursors = { before: page.before ?? page.after, after: page.after ?? page.before };
  }
  if (page.previous !== undefined) paging.previous = link('before', page.previous);
  if (page.next !== undefined) paging.next = link('after', page.next);
  const body: Record<string, unknown> = { data: items };
  if (Object.keys(paging).length > 0) body.paging = paging;
  return body;
}

/** Parse `limit`: default 25, at most 100 (the Graph refuses more). */
export function parseLimit(query: URLSearchParams): number | SimResponse {
  const raw = query.get('limit');
  if (raw === null || raw === '') return 25;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    return graphError(400, {
      message: `(#100) Param limit must be a non-negative integer`,
      code: 100,
    });
  }
  if (n > 100) {
    return graphError(400, {
      message: '(#100) The limit parameter must not exceed 100. Please use a smaller limit.',
      code: 100,
    });
  }
  return n === 0 ? 25 : n;
}

// ---------------------------------------------------------------------------------- insights

export interface MetricValue {
  name: string;
  value: number;
  title: string;
  description: string;
}

export function insightsData(objectId: string, metrics: MetricValue[]): unknown[] {
  return metrics.map((m) => ({
    name: m.name,
    period: 'lifetime',
    values: [{ value: m.value }],
    title: m.title,
    description: m.description,
    id: `${objectId}/insights/${m.name}/lifetime`,
  }));
}

export function noMetricError(): SimResponse {
  return graphError(400, {
    message: 'Invalid query',
    code: 3001,
    subcode: 1504028,
    isTransient: false,
    userTitle: 'No Metric Specified',
    userMsg:
      'No metric was specified to be fetched. Please specify one or more metrics to be fetched and try again.',
  });
}

/** Metric names from `metric=a,b` (also accepts a JSON array). */
export function metricList(raw: string | null): string[] {
  if (raw === null) return [];
  const s = raw.trim();
  if (s.startsWith('[')) {
    try {
      const v = JSON.parse(s) as unknown;
      if (Array.isArray(v))
        return v
          .map(String)
          .map((x) => x.trim())
          .filter(Boolean);
    } catch {
      // fall through to comma list
    }
  }
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------- BUC usage

export interface BucOutcome {
  headers: Record<string, string>;
  error?: SimResponse;
}

/**
 * Charge one call to an object's Business Use Case quota. The usage header appears once any
 * figure reaches the threshold; at 100 % the call is refused (and still counted, as Meta warns).
 */
export function chargeBuc(
  ctx: SimContext,
  meter: BucMeter,
  objectId: string,
  kind: 'pages' | 'instagram',
  thresholdPercent: number,
  throttledNow: boolean,
): BucOutcome {
  const now = ctx.wall();
  const exhausted = meter.exhausted(now);
  meter.record(now);
  const usage = meter.usage(now);
  if (throttledNow) {
    usage.call_count = Math.max(usage.call_count, 100);
    usage.estimated_time_to_regain_access = Math.max(usage.estimated_time_to_regain_access, 1);
  }
  const show =
    Math.max(usage.call_count, usage.total_cputime, usage.total_time) >= thresholdPercent;
  const headers: Record<string, string> = {};
  if (show || exhausted || throttledNow) {
    headers['x-business-use-case-usage'] = JSON.stringify({
      [objectId]: [{ type: kind, ...usage }],
    });
  }
  if (exhausted || throttledNow) {
    const code = kind === 'pages' ? 80001 : 80002;
    const what = kind === 'pages' ? 'Page' : 'Instagram';
    return {
      headers,
      error: graphError(
        400,
        {
          message: `(#${code}) There have been too many calls to this ${what} account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.`,
          code,
        },
        headers,
      ),
    };
  }
  return { headers };
}
