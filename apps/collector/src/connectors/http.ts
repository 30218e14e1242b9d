/**
 * The one HTTP choke point of every connector. Each connector owns one `PlatformHttp` (an axios
 * instance with its base URL and timeout); every call and every Graph batch item goes through
 * here, so that:
 *
 * - every failure is classified once, from the platform's own documented error shape, into the
 *   six FailureClass values (table in `classifyGraph` … `classifyLine` below);
 * - the usage headers of every answer (errors included, batch items included) reach `onUsage`;
 * - no message ever carries a token: tokens travel in headers (or YouTube's `key=`), messages are
 *   built here from the platform's text with tokens scrubbed, URLs are never quoted, and the axios
 *   error (whose config holds the Authorization header) is never attached to a PlatformError.
 */
import axios, { type AxiosInstance } from 'axios';
import type { Platform } from '@reachline/shared';
import { PLATFORM_LABELS } from './labels';
import { asArray, asRecord, isRecord, readShape, unexpectedShape, type Json } from './shape';
import {
  PlatformError,
  type ConnectorAccount,
  type ConnectorOptions,
  type FailureClass,
  type UsageReport,
} from './types';

const DEFAULT_TIMEOUT_MS = 15_000;
/** How long to wait when a platform throttles without saying for how long. */
export const DEFAULT_WAIT_MS = 60_000;

export interface PlatformRequest {
  method?: 'GET' | 'POST';
  /** Path relative to the base URL; never carries a token. */
  path: string;
  params?: Record<string, string | number | undefined>;
  /** Form body (URLSearchParams) or JSON body (a plain object). */
  body?: URLSearchParams | Record<string, unknown>;
  /** What the call does, for messages: `listing posts`, `reading insights of 50 posts`. */
  what: string;
}

export interface PlatformAnswer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: unknown;
}

/** One Graph batch item's outcome: an answer, a classified failure, or `null` (not completed). */
export type BatchItemOutcome = PlatformAnswer | PlatformError | null;

type Headers = Record<string, string>;

/** What a classifier found wrong with an answer, before it becomes a PlatformError. */
interface Failure {
  failureClass: FailureClass;
  /** The platform's own words (scrubbed later). */
  said?: string;
  code?: string;
  waitMs?: number;
  scope?: 'app' | 'account';
}

type Classifier = (status: number, body: unknown, headers: Headers, now: number) => Failure | null;
type UsageReader = (headers: Headers, account: ConnectorAccount, now: number) => UsageReport[];

export class PlatformHttp {
  private readonly client: AxiosInstance;
  private readonly timeoutMs: number;
  private readonly classify: Classifier;
  private readonly readUsage: UsageReader;

  constructor(
    readonly platform: Platform,
    private readonly options: ConnectorOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.client = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout: this.timeoutMs,
      // Every status comes back as an answer; classification is ours, not axios's.
      validateStatus: () => true,
      // Parse JSON here, so a cut-off body is a clear `retry`, not a string passed along.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
    });
    this.classify = CLASSIFIERS[platform];
    this.readUsage = USAGE_READERS[platform];
  }

  /** One call. Returns the parsed JSON of a successful answer; throws PlatformError otherwise. */
  async send(
    account: ConnectorAccount,
    req: PlatformRequest,
    usage?: UsageSink,
  ): Promise<PlatformAnswer> {
    const sink = usage ?? new UsageSink();
    try {
      const { status, headers, text } = await this.exchange(account, req);
      sink.add(this.readUsage(headers, account, this.now()));
      const body = parseJson(text);
      if (body === undefined && unreadable(status)) throw this.malformed(req.what, status);
      const failure = this.classify(status, body, headers, this.now());
      if (failure) throw this.error(account, req.what, failure, status);
      if (body === undefined) throw this.malformed(req.what, status);
      return { status, headers, body };
    } finally {
      if (!usage) this.report(sink);
    }
  }

  /**
   * A Graph Batch API call (`POST /` with `batch=[…]`, ≤ 50 items): one HTTP request, each item
   * classified like a direct answer, the usage headers of the answer and of every item merged and
   * reported once.
   */
  async graphBatch(
    account: ConnectorAccount,
    relativeUrls: readonly string[],
    what: string,
    itemWhat: (index: number) => string,
  ): Promise<BatchItemOutcome[]> {
    const sink = new UsageSink();
    try {
      const body = new URLSearchParams({
        batch: JSON.stringify(relativeUrls.map((u) => ({ method: 'GET', relative_url: u }))),
        include_headers: 'true',
      });
      const answer = await this.send(account, { method: 'POST', path: '/', body, what }, sink);
      const items = readShape(this.platform, what, () => {
        const list = asArray(answer.body, 'the batch answer');
        if (list.length !== relativeUrls.length) {
          throw unexpectedShape(
            this.platform,
            what,
            `${list.length} items for ${relativeUrls.length} requests`,
          );
        }
        return list.map((item, i) => (item === null ? null : asRecord(item, `item ${i}`)));
      });
      return items.map((item, i) =>
        item === null ? null : this.batchItem(account, item, itemWhat(i), sink),
      );
    } finally {
      this.report(sink);
    }
  }

  private batchItem(
    account: ConnectorAccount,
    item: Json,
    what: string,
    sink: UsageSink,
  ): PlatformAnswer | PlatformError {
    const status = typeof item.code === 'number' ? item.code : 0;
    const headers: Headers = {};
    if (Array.isArray(item.headers)) {
      for (const h of item.headers) {
        if (isRecord(h) && typeof h.name === 'string' && typeof h.value === 'string') {
          headers[h.name.toLowerCase()] = h.value;
        }
      }
    }
    sink.add(this.readUsage(headers, account, this.now()));
    if (status === 0) return unexpectedShape(this.platform, what, 'a batch item has no code');
    const body = typeof item.body === 'string' ? parseJson(item.body) : undefined;
    if (body === undefined && unreadable(status)) return this.malformed(what, status);
    const failure = this.classify(status, body, headers, this.now());
    if (failure) return this.error(account, what, failure, status);
    if (body === undefined) return this.malformed(what, status);
    return { status, headers, body };
  }

  private async exchange(
    account: ConnectorAccount,
    req: PlatformRequest,
  ): Promise<{ status: number; headers: Headers; text: string }> {
    const auth = this.authorization(account);
    try {
      const res = await this.client.request<string>({
        method: req.method ?? 'GET',
        url: req.path,
        params: { ...req.params, ...auth.params },
        data: req.body,
        headers: { Accept: 'application/json', ...auth.headers },
      });
      const headers: Headers = {};
      for (const [k, v] of Object.entries(res.headers as Record<string, unknown>)) {
        if (typeof v === 'string') headers[k.toLowerCase()] = v;
        else if (Array.isArray(v)) headers[k.toLowerCase()] = v.join(', ');
        else if (typeof v === 'number') headers[k.toLowerCase()] = String(v);
      }
      return { status: res.status, headers, text: typeof res.data === 'string' ? res.data : '' };
    } catch (err) {
      // No answer: timeout, refused or reset connection, DNS. Only the error code is kept.
      const code = axios.isAxiosError(err) ? (err.code ?? 'network error') : 'network error';
      const why =
        code === 'ECONNABORTED' || code === 'ETIMEDOUT'
          ? `no answer within ${this.timeoutMs} ms`
          : `no answer (${code})`;
      throw new PlatformError(
        this.platform,
        'retry',
        `${PLATFORM_LABELS[this.platform]} ${req.what}: ${why}; it will be retried.`,
        { code },
      );
    }
  }

  /** Graph, X, TikTok and LINE take a bearer token; a YouTube API key goes in `key=`. */
  private authorization(account: ConnectorAccount): {
    headers: Record<string, string>;
    params: Record<string, string>;
  } {
    if (this.platform === 'youtube' && account.token.startsWith('AIza')) {
      return { headers: {}, params: { key: account.token } };
    }
    return { headers: { Authorization: `Bearer ${account.token}` }, params: {} };
  }

  private error(
    account: ConnectorAccount,
    what: string,
    f: Failure,
    status: number,
  ): PlatformError {
    const label = PLATFORM_LABELS[this.platform];
    const code = f.code !== undefined ? `, code ${f.code}` : '';
    const said = f.said ? ` ("${scrub(f.said, account.token, 240)}")` : '';
    const message = scrub(
      `${label} ${what}: HTTP ${status}${code}${said}: ${advice(f)}.`,
      account.token,
      1000,
    );
    const details: PlatformError['details'] = { status };
    if (f.code !== undefined) details.code = f.code;
    if (f.waitMs !== undefined) details.waitMs = f.waitMs;
    if (f.scope !== undefined) details.scope = f.scope;
    return new PlatformError(this.platform, f.failureClass, message, details);
  }

  private malformed(what: string, status: number): PlatformError {
    return new PlatformError(
      this.platform,
      'retry',
      `${PLATFORM_LABELS[this.platform]} ${what}: HTTP ${status} with a body that is not valid JSON (cut off or not JSON); it will be retried.`,
      { status, code: 'malformed_json' },
    );
  }

  private report(sink: UsageSink): void {
    const onUsage = this.options.onUsage;
    if (!onUsage) return;
    for (const u of sink.merged()) {
      try {
        onUsage(u);
      } catch {
        // A failing listener must not fail the platform call that already succeeded.
      }
    }
  }
}

/** Usage figures of one logical call (a batch and its items), merged per account / app. */
export class UsageSink {
  private readonly byKey = new Map<string, UsageReport>();

  add(reports: UsageReport[]): void {
    for (const r of reports) {
      const key = `${r.scope} ${r.accountExternalId ?? ''}`;
      const prev = this.byKey.get(key);
      if (!prev) {
        this.byKey.set(key, { ...r });
        continue;
      }
      if (r.usagePercent !== undefined)
        prev.usagePercent = Math.max(prev.usagePercent ?? 0, r.usagePercent);
      if (r.remaining !== undefined)
        prev.remaining = Math.min(prev.remaining ?? Infinity, r.remaining);
      if (r.resetAt !== undefined && (!prev.resetAt || r.resetAt > prev.resetAt))
        prev.resetAt = r.resetAt;
    }
  }

  merged(): UsageReport[] {
    return [...this.byKey.values()];
  }
}

// ------------------------------------------------------------------------------ messages

const ADVICE: Record<FailureClass, string> = {
  retry: 'a temporary failure; it will be retried',
  throttled: 'rate limit reached',
  token_invalid: 'the access token is expired or revoked; enter a new token for this account',
  permission_missing:
    'the token lacks a permission this call needs; reconnect the account and grant it',
  not_found: 'the post is gone (deleted or made private); it is no longer harvested',
  bad_request: 'the platform refused the request as invalid; the collector needs a fix',
};

function advice(f: Failure): string {
  if (f.failureClass !== 'throttled') return ADVICE[f.failureClass];
  const who = f.scope === 'app' ? 'the whole app' : 'this account';
  return `rate limit reached; no calls for ${who} for ${duration(f.waitMs ?? DEFAULT_WAIT_MS)}`;
}

function duration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.ceil(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${Math.ceil((s % 3600) / 60)} min`;
}

/**
 * A failure for one post inside an answer that succeeded as a whole: an X `errors` entry, a
 * video the answer left out, a batch item that never completed.
 */
export function postFailure(
  platform: Platform,
  externalId: string,
  failureClass: FailureClass,
  why: string,
  code?: string,
): PlatformError {
  const message = scrub(
    `${PLATFORM_LABELS[platform]} gave no reading for post ${externalId} (${why}): ${ADVICE[failureClass]}.`,
    '',
  );
  return new PlatformError(platform, failureClass, message, code === undefined ? {} : { code });
}

/**
 * X per-post `errors` entries (HTTP 200): resource-not-found and not-authorized-for-resource
 * (deleted, protected) → not_found; anything else → bad_request.
 */
export function xPostError(externalId: string, entry: Json): PlatformError {
  const type = str(entry.type) ?? '';
  const said = str(entry.detail) ?? str(entry.title) ?? str(entry.message) ?? type;
  const kind = type.replace(/^.*\/problems\//, '');
  const failureClass: FailureClass =
    kind === 'resource-not-found' || kind === 'not-authorized-for-resource'
      ? 'not_found'
      : 'bad_request';
  return postFailure('x', externalId, failureClass, said, kind || undefined);
}

/** Remove anything token-like from text that will end up in a message; cut it at `max`. */
export function scrub(text: string, token: string, max = 400): string {
  let s = text;
  if (token.length >= 6) s = s.split(token).join('[token]');
  s = s
    .replace(/((?:access_token|input_token|key|token|client_secret)=)[^&\s"'#]+/gi, '$1[token]')
    .replace(/\b(Bearer|OAuth)\s+[A-Za-z0-9._~+/=!-]{6,}/g, '$1 [token]');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * Without a readable body, a success or a bare 400 (the Graph's status for nearly every error)
 * says nothing: such an answer is retried. 401, 403, 404, 429 and 5xx speak for themselves.
 */
function unreadable(status: number): boolean {
  return status < 300 || status === 400;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Classes decided by the HTTP status alone, when the body says nothing more precise. */
function byStatus(status: number, said?: string): Failure {
  const f = (failureClass: FailureClass): Failure =>
    said === undefined ? { failureClass } : { failureClass, said };
  if (status >= 500 || status === 408) return f('retry');
  if (status === 429) return { ...f('throttled'), waitMs: DEFAULT_WAIT_MS, scope: 'account' };
  if (status === 401) return f('token_invalid');
  if (status === 403) return f('permission_missing');
  if (status === 404 || status === 410) return f('not_found');
  return f('bad_request');
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

// ------------------------------------------------------------------------------ Graph

/** Graph throttling codes: app-wide (4, 341, 613) or per user / Page / IG account (BUC 800xx). */
const GRAPH_APP_THROTTLE = new Set([4, 341, 613]);
const GRAPH_ACCOUNT_THROTTLE = new Set([17, 32, 368]);
const isBucThrottle = (code: number) => code >= 80000 && code <= 80014;

/**
 * Graph (Facebook, Instagram), `{"error":{"code","error_subcode","message","type",…}}`:
 * 4/17/32/341/368/613/80000–80014 → throttled (wait from `estimated_time_to_regain_access`, minutes);
 * 190/102/104 → token_invalid; 10, 200–299 → permission_missing; 100/33 and 803 → not_found;
 * 1, 2, 960, `is_transient` and 5xx → retry; GraphBatchException, 100 and the rest → bad_request.
 */
function classifyGraph(
  status: number,
  body: unknown,
  headers: Headers,
  now: number,
): Failure | null {
  const e = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (!e) return status < 400 ? null : byStatus(status);
  const code = typeof e.code === 'number' ? e.code : undefined;
  const sub = typeof e.error_subcode === 'number' ? e.error_subcode : undefined;
  const said = str(e.message) ?? str(e.error_user_msg);
  const base = {
    said,
    code: code === undefined ? undefined : sub === undefined ? String(code) : `${code}/${sub}`,
  };
  const is = (failureClass: FailureClass): Failure => ({ ...base, failureClass });
  if (code === undefined) return status < 400 ? null : byStatus(status, said);
  if (str(e.type) === 'GraphBatchException') return is('bad_request');
  if (GRAPH_APP_THROTTLE.has(code) || GRAPH_ACCOUNT_THROTTLE.has(code) || isBucThrottle(code)) {
    return {
      ...is('throttled'),
      waitMs: graphWaitMs(headers, now),
      scope: GRAPH_APP_THROTTLE.has(code) ? 'app' : 'account',
    };
  }
  if (code === 190 || code === 102 || code === 104) return is('token_invalid');
  if (code === 10 || (code >= 200 && code <= 299)) return is('permission_missing');
  if ((code === 100 && sub === 33) || code === 803) return is('not_found');
  if (code === 1 || code === 2 || code === 960 || e.is_transient === true) return is('retry');
  if (code === 100) return is('bad_request');
  return { ...byStatus(status, said), code: base.code };
}

/** The longest `estimated_time_to_regain_access` (minutes) in the BUC header, else the default. */
function graphWaitMs(headers: Headers, now: number): number {
  let resetAt = 0;
  for (const u of graphUsage(headers, now)) {
    if (u.resetAt) resetAt = Math.max(resetAt, u.resetAt.getTime());
  }
  return resetAt > now ? resetAt - now : DEFAULT_WAIT_MS;
}

function parseHeaderJson(v: string | undefined): unknown {
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
}

const pct = (o: Json): number | undefined => {
  const xs = [o.call_count, o.total_cputime, o.total_time].filter(
    (x): x is number => typeof x === 'number' && Number.isFinite(x),
  );
  return xs.length > 0 ? Math.max(...xs) : undefined;
};

/** `X-Business-Use-Case-Usage` (per Page / IG account) and `X-App-Usage` (app-wide). */
function graphUsage(headers: Headers, now: number, platform: Platform = 'facebook'): UsageReport[] {
  const out: UsageReport[] = [];
  const buc = parseHeaderJson(headers['x-business-use-case-usage']);
  if (isRecord(buc)) {
    for (const [id, entries] of Object.entries(buc)) {
      if (!Array.isArray(entries)) continue;
      for (const entry of entries) {
        if (!isRecord(entry)) continue;
        const r: UsageReport = { platform, accountExternalId: id, scope: 'account' };
        const p = pct(entry);
        if (p !== undefined) r.usagePercent = p;
        const regain = entry.estimated_time_to_regain_access;
        if (typeof regain === 'number' && regain > 0) r.resetAt = new Date(now + regain * 60_000);
        out.push(r);
      }
    }
  }
  const app = parseHeaderJson(headers['x-app-usage']);
  if (isRecord(app)) {
    const p = pct(app);
    if (p !== undefined) out.push({ platform, scope: 'app', usagePercent: p });
  }
  return out;
}

function graphUsageOf(platform: 'facebook' | 'instagram'): UsageReader {
  return (headers, _account, now) => graphUsage(headers, now, platform);
}

/** The refusal of a retired or unknown insights metric (Graph code 100), which fails the call. */
export function isRefusedMetric(err: PlatformError): boolean {
  return (
    err.details.code?.split('/')[0] === '100' &&
    /valid insights metric|metric is no longer supported|must be one of/i.test(err.message)
  );
}

/** Instagram's `(#10) Not enough viewers for the media to show insights`: a withheld number. */
export function isInsightsWithheld(err: PlatformError): boolean {
  return err.details.code === '10' && /not enough viewers/i.test(err.message);
}

// ------------------------------------------------------------------------------ X

/**
 * X API v2, problem bodies `{title, detail, type}` or `{errors:[{message}]}`: 429 → throttled until
 * `x-rate-limit-reset`; 401 → token_invalid; 403 → permission_missing; 404 → not_found;
 * 5xx → retry; other 4xx → bad_request. (A 200 with `errors` is a partial answer, read by x.ts.)
 */
function classifyX(status: number, body: unknown, headers: Headers, now: number): Failure | null {
  if (status < 400) return null;
  const b = isRecord(body) ? body : {};
  const first = Array.isArray(b.errors) && isRecord(b.errors[0]) ? b.errors[0] : {};
  const said = str(b.detail) ?? str(b.title) ?? str(first.message);
  if (status === 429) {
    const reset = Number(headers['x-rate-limit-reset']);
    const waitMs =
      Number.isFinite(reset) && reset > 0 ? Math.max(1000, reset * 1000 - now) : DEFAULT_WAIT_MS;
    return { failureClass: 'throttled', said, waitMs, scope: 'account', code: '429' };
  }
  return byStatus(status, said);
}

function xUsage(headers: Headers, account: ConnectorAccount): UsageReport[] {
  const limit = Number(headers['x-rate-limit-limit']);
  const remaining = Number(headers['x-rate-limit-remaining']);
  const reset = Number(headers['x-rate-limit-reset']);
  if (headers['x-rate-limit-remaining'] === undefined || !Number.isFinite(remaining)) return [];
  const r: UsageReport = {
    platform: 'x',
    accountExternalId: account.externalId,
    scope: 'account',
    remaining,
  };
  if (Number.isFinite(reset) && reset > 0) r.resetAt = new Date(reset * 1000);
  if (Number.isFinite(limit) && limit > 0) {
    r.usagePercent = Math.round(((limit - remaining) / limit) * 100);
  }
  return [r];
}

// ------------------------------------------------------------------------------ YouTube

/**
 * Google `{"error":{"code","message","errors":[{"reason","domain"}],"status"}}`: 403 quotaExceeded
 * → throttled until midnight Pacific (the quota is the whole project's: scope app);
 * rateLimitExceeded → throttled; 401, "API key not valid/expired", unregistered caller →
 * token_invalid; other 403 → permission_missing; 404 → not_found; 5xx → retry; else bad_request.
 */
function classifyGoogle(
  status: number,
  body: unknown,
  _headers: Headers,
  now: number,
): Failure | null {
  if (status < 400) return null;
  const e = isRecord(body) && isRecord(body.error) ? body.error : {};
  const said = str(e.message);
  const reasons = (Array.isArray(e.errors) ? e.errors : [])
    .map((x) => (isRecord(x) ? str(x.reason) : undefined))
    .filter((x): x is string => x !== undefined);
  const code = reasons[0];
  const f = (failureClass: FailureClass, more: Partial<Failure> = {}): Failure => ({
    failureClass,
    said,
    code,
    ...more,
  });
  if (reasons.includes('quotaExceeded') || reasons.includes('dailyLimitExceeded')) {
    return f('throttled', {
      waitMs: nextMidnightIn('America/Los_Angeles', now) - now,
      scope: 'app',
    });
  }
  if (reasons.some((r) => /rateLimitExceeded/i.test(r)) || status === 429) {
    return f('throttled', { waitMs: DEFAULT_WAIT_MS, scope: 'app' });
  }
  if (status === 401) return f('token_invalid');
  if (
    reasons.includes('keyInvalid') ||
    reasons.includes('keyExpired') ||
    /API key (not valid|expired)|unregistered callers/i.test(said ?? '')
  ) {
    return f('token_invalid');
  }
  return { ...byStatus(status, said), code };
}

/** The next midnight in a time zone (YouTube's quota day ends at midnight Pacific). */
export function nextMidnightIn(timeZone: string, now: number): number {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const wall = (t: number) => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return {
      y: Number(p.year),
      m: Number(p.month),
      d: Number(p.day),
      asUtc: Date.UTC(
        Number(p.year),
        Number(p.month) - 1,
        Number(p.day),
        Number(p.hour),
        Number(p.minute),
        Number(p.second),
      ),
    };
  };
  const offset = (t: number) => wall(t).asUtc - Math.floor(t / 1000) * 1000;
  const today = wall(now);
  const midnightWall = Date.UTC(today.y, today.m - 1, today.d + 1);
  const guess = midnightWall - offset(now);
  return midnightWall - offset(guess);
}

// ------------------------------------------------------------------------------ TikTok

/**
 * TikTok `{"data":…,"error":{"code","message","log_id"}}` (success is `code:"ok"`):
 * access_token_invalid → token_invalid; scope_not_authorized → permission_missing;
 * rate_limit_exceeded / 429 → throttled (no headers: 60 s, the sliding window); internal_error /
 * 5xx → retry; invalid_params and other 4xx → bad_request.
 */
function classifyTikTok(status: number, body: unknown): Failure | null {
  const e = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const code = e ? str(e.code) : undefined;
  if (status < 400 && (code === undefined || code === 'ok')) return null;
  const said = e ? str(e.message) || code : undefined;
  const f = (failureClass: FailureClass, more: Partial<Failure> = {}): Failure => ({
    failureClass,
    said,
    code,
    ...more,
  });
  switch (code) {
    case 'access_token_invalid':
    case 'access_token_expired':
    case 'token_expired':
      return f('token_invalid');
    case 'scope_not_authorized':
    case 'scope_permission_missed':
      return f('permission_missing');
    case 'rate_limit_exceeded':
      return f('throttled', { waitMs: DEFAULT_WAIT_MS, scope: 'account' });
    case 'internal_error':
      return f('retry');
    default:
      return { ...byStatus(status >= 400 ? status : 400, said), code };
  }
}

// ------------------------------------------------------------------------------ LINE

/**
 * LINE `{"message","details"?}`: 429 → throttled for `Retry-After` when present, until the next
 * month (JST) for the monthly limit, else 60 s (LINE sends no rate-limit headers); 401 →
 * token_invalid; 403 → permission_missing; 404 → not_found; 5xx → retry; else bad_request.
 */
function classifyLine(
  status: number,
  body: unknown,
  headers: Headers,
  now: number,
): Failure | null {
  if (status < 400) return null;
  const said = isRecord(body) ? str(body.message) : undefined;
  if (status === 429) {
    let waitMs = retryAfterMs(headers['retry-after'], now) ?? DEFAULT_WAIT_MS;
    if (/monthly limit/i.test(said ?? '')) waitMs = nextMonthJst(now) - now;
    return { failureClass: 'throttled', said, waitMs, scope: 'account', code: '429' };
  }
  return byStatus(status, said);
}

function retryAfterMs(v: string | undefined, now: number): number | undefined {
  if (v === undefined) return undefined;
  if (/^\d+$/.test(v.trim())) return Math.max(1000, Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(1000, at - now);
}

function nextMonthJst(now: number): number {
  const jst = new Date(now + 9 * 3_600_000);
  return Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth() + 1, 1) - 9 * 3_600_000;
}

// ------------------------------------------------------------------------------ tables

const CLASSIFIERS: Record<Platform, Classifier> = {
  facebook: classifyGraph,
  instagram: classifyGraph,
  x: classifyX,
  youtube: classifyGoogle,
  tiktok: classifyTikTok,
  line: classifyLine,
};

const none: UsageReader = () => [];

/** YouTube, TikTok and LINE send no usage headers. */
const USAGE_READERS: Record<Platform, UsageReader> = {
  facebook: graphUsageOf('facebook'),
  instagram: graphUsageOf('instagram'),
  x: (headers, account) => xUsage(headers, account),
  youtube: none,
  tiktok: none,
  line: none,
};
