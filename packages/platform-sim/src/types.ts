/** Types shared by the simulator's modules. */
import type { IncomingHttpHeaders } from 'node:http';

// One list of platforms for the whole project: the simulator serves exactly what Reachline reads.
import type { Platform } from '@reachline/shared';

export { PLATFORMS, type Platform } from '@reachline/shared';

/** A request as a platform handler sees it: the path is relative to the platform prefix. */
export interface SimRequest {
  method: string;
  /** Path after the platform prefix, e.g. `/v25.0/123_456/insights`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** Absolute base URL of this platform on this server, e.g. `http://127.0.0.1:4000/facebook`. */
  baseUrl: string;
  /** Reached at the root path of the real host (e.g. `/v25.0/…`) rather than under a prefix. */
  root?: boolean;
}

/** What a handler answers; the server serialises `body` as JSON unless `raw` is set. */
export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
  /** Account the call was charged to, for the request log. */
  accountId?: string;
  /** Number of sub-requests (Facebook batch), for the request log. */
  items?: number;
}

export interface PlatformHandler {
  readonly platform: Platform;
  handle(req: SimRequest): Promise<SimResponse> | SimResponse;
  /** The platform's own answer to a transient server failure (5xx). */
  serverError(): SimResponse;
  /** Forget quota and rate-limit counters. */
  resetLimits(): void;
}

export const DAY_MS = 86_400_000;
