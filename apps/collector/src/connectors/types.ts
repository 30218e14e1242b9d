/**
 * The one small contract every platform connector implements. Generic collector code (discovery,
 * harvest jobs, rate limiting) talks only to this, never to a platform by name; what a platform
 * can or cannot do is said by the connector's fields, not by `if (platform === …)` elsewhere.
 *
 * A connector is stateless apart from its HTTP client: the account (token, cursor) comes in with
 * each call, and what the platform said about its quota goes out through `onUsage`, so the
 * collector can share cooldowns across processes (Redis) without the connector knowing.
 */
import type { Platform } from '@reachline/shared';

/**
 * How a failure is handled, decided once at the HTTP choke point:
 * - `retry`: transient (5xx, timeout, malformed body, `null` batch item); try again later.
 * - `throttled`: the platform asked us to wait `waitMs`; no retry before then.
 * - `token_invalid`: expired / revoked token; the account is paused until a new token is entered.
 * - `permission_missing`: the token lacks a permission; the account is paused likewise.
 * - `not_found`: the post is gone (deleted, private); stop harvesting that post only.
 * - `bad_request`: our request is wrong (a bug or a retired parameter); do not retry as is.
 */
export const FAILURE_CLASSES = [
  'retry',
  'throttled',
  'token_invalid',
  'permission_missing',
  'not_found',
  'bad_request',
] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

/** A classified platform failure. `message` is one sentence and never contains a token. */
export class PlatformError extends Error {
  override name = 'PlatformError';
  constructor(
    readonly platform: Platform,
    readonly failureClass: FailureClass,
    message: string,
    readonly details: {
      /** How long the platform asked us to wait (throttled), in ms. */
      waitMs?: number;
      /** HTTP status, when there was an answer. */
      status?: number;
      /** The platform's own error code / subcode / type, for logs and harvest_runs. */
      code?: string;
      /** Whether the wait applies to the whole app (all accounts) or only this account. */
      scope?: 'app' | 'account';
    } = {},
  ) {
    super(message);
  }
}

/** The account a call is made for: the platform's id and the plain token (never logged). */
export interface ConnectorAccount {
  platform: Platform;
  /** Page id, IG user id, X user id, YouTube channel id, TikTok open id, LINE channel id. */
  externalId: string;
  token: string;
}

/** A post as discovery sees it, before the infographic rule and story grouping. */
export interface DiscoveredPost {
  externalId: string;
  url: string;
  /** First line / title of the post, trimmed; '' when the platform has none. */
  title: string;
  /** The whole caption / message / description. */
  text: string;
  /** Hashtags without `#`, as written. */
  hashtags: string[];
  /** The platform's media kind (`photo`, `album`, `video`, `IMAGE`, `CAROUSEL_ALBUM`…) or null. */
  mediaType: string | null;
  publishedAt: Date;
}

/** One page of discovery, newest first or oldest first as the platform gives it. */
export interface DiscoveryPage {
  posts: DiscoveredPost[];
  /** Platform calls this page cost (for harvest_runs and the calls-per-post figures). */
  apiCalls: number;
}

export interface DiscoveryOptions {
  /**
   * Stop once posts are older than this instant (the previous discovery's newest post, minus a
   * safety margin); undefined lists everything the platform gives.
   */
  since?: Date;
  /** Never list posts published after this instant (the collector's clock). */
  until?: Date;
  /** A cursor the platform gave on a previous run, when it has such a thing. */
  cursor?: string | null;
}

/** One post's reading. `reach` is the platform's reach metric (REACH_METRICS), or null. */
export interface ReachReading {
  externalId: string;
  /** null when the platform answered but withheld the number (e.g. LINE under 20). */
  reach: number | null;
  /** The metric `reach` is (e.g. `post_total_media_view_unique`). */
  metric: string;
  /** Every numeric metric the platform returned, by its own name (reach included). */
  metrics: Record<string, number>;
  /** The platform's answer for this post (trimmed later), for the audit trail. */
  raw: unknown;
}

export interface ReachBatchResult {
  readings: ReachReading[];
  /** Posts the platform could not answer for, each with its class (not_found, retry, …). */
  failures: { externalId: string; error: PlatformError }[];
  /** Metrics the platform refused as retired or unknown; dropped from later calls. */
  droppedMetrics: string[];
  /** Platform calls made (HTTP requests; a Facebook batch is one). */
  apiCalls: number;
}

/** What one answer's usage headers said; `onUsage` receives it after every call. */
export interface UsageReport {
  platform: Platform;
  /** The account the numbers are for, or undefined for app-wide numbers. */
  accountExternalId?: string;
  scope: 'app' | 'account';
  /** Highest usage percentage in the headers (0..100+), when the platform gives one. */
  usagePercent?: number;
  /** Calls left in the window, when the platform gives it. */
  remaining?: number;
  /** When the window resets / access is regained. */
  resetAt?: Date;
}

export interface Connector {
  readonly platform: Platform;
  /** Most posts one `readReach` call may be given (Facebook 50, X 100, YouTube 50, TikTok 20…). */
  readonly batchLimit: number;
  /** Lists the account's posts, page by page, within `options`. Throws PlatformError. */
  discover(account: ConnectorAccount, options: DiscoveryOptions): AsyncIterable<DiscoveryPage>;
  /**
   * Reads the reach of up to `batchLimit` posts of one account. Per-post failures are returned
   * in `failures`; a failure of the whole call (token, throttle, 5xx) throws PlatformError.
   */
  readReach(
    account: ConnectorAccount,
    externalIds: readonly string[],
    options?: ReadReachOptions,
  ): Promise<ReachBatchResult>;
}

export interface ReadReachOptions {
  /** The collector's clock, where a call's parameters depend on today (LINE's unit periods). */
  now?: Date;
}

export interface ConnectorOptions {
  /** The platform's API base URL (configuration: FACEBOOK_API_BASE etc.). */
  baseUrl: string;
  /** Called after every answer that carried usage figures. */
  onUsage?: (usage: UsageReport) => void;
  /** Per-request timeout in ms (default 15 s). */
  timeoutMs?: number;
}
