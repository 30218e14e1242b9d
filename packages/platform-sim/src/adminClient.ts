/** A typed, fetch-based client for the simulator's admin API, for tests and the demo. */
import type { ClockState } from './clock';
import type { FaultPatch, FaultSettings } from './faults';
import type { ClockSettingInput } from './options';
import type { RequestLogEntry } from './requestLog';
import type { SimAccountInfo } from './simulator';
import type { TokenRecord, TokenStatus } from './tokens';
import type { Platform } from './types';

export class SimAdminError extends Error {
  override name = 'SimAdminError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface CatalogPost {
  id: string;
  platform: Platform;
  accountId: string;
  storyId: string;
  seedId: string | null;
  /** seed (FY2564 record), ordinary (FY2564 filler), generated, file, live. */
  origin: 'seed' | 'ordinary' | 'generated' | 'file' | 'live';
  title: string;
  infographic: boolean;
  publishedAt: string;
  finalReach: number;
  finalViews: number;
  curveDays: number;
  /** Instant the counters reach their final values (ISO 8601). */
  finalAt: string;
  /** LINE: custom aggregation unit. */
  unit?: string;
  deleted: boolean;
}

export interface RequestLogAnswer {
  lastSeq: number;
  counts: Partial<Record<Platform, number>>;
  entries: RequestLogEntry[];
}

export class SimAdminClient {
  private readonly base: string;

  /** `url` is the simulator's root (`http://host:port`) or its `/_sim` URL. */
  constructor(
    url: string,
    private readonly token: string,
  ) {
    this.base = url.replace(/\/+$/, '').replace(/\/_sim$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${this.token}` } };
    if (body !== undefined) {
      init.headers = { ...init.headers, 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const res = await fetch(`${this.base}/_sim${path}`, init);
    const json = await res.json();
    if (!res.ok) {
      const msg = (json as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`;
      throw new SimAdminError(res.status, msg);
    }
    return json as T;
  }

  state(): Promise<Record<string, unknown>> {
    return this.call('GET', '/state');
  }

  async accounts(): Promise<SimAccountInfo[]> {
    return (await this.call<{ accounts: SimAccountInfo[] }>('GET', '/accounts')).accounts;
  }

  posts(
    filter: {
      platform?: Platform;
      infographic?: boolean;
      origin?: CatalogPost['origin'];
      offset?: number;
      limit?: number;
    } = {},
  ): Promise<{
    total: number;
    posts: CatalogPost[];
  }> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v !== undefined) q.set(k, String(v));
    return this.call('GET', `/posts?${q.toString()}`);
  }

  deletePost(id: string): Promise<{ id: string; deleted: true }> {
    return this.call('DELETE', `/posts/${encodeURIComponent(id)}`);
  }

  faults(): Promise<FaultSettings> {
    return this.call('GET', '/faults');
  }

  /** Change some switches; the others stay as they are. */
  setFaults(patch: FaultPatch): Promise<FaultSettings> {
    return this.call('PATCH', '/faults', patch);
  }

  /** Every switch off. */
  clearFaults(): Promise<FaultSettings> {
    return this.call('DELETE', '/faults');
  }

  clock(): Promise<ClockState> {
    return this.call('GET', '/clock');
  }

  setClock(setting: ClockSettingInput): Promise<ClockState> {
    return this.call('PUT', '/clock', setting);
  }

  advanceClock(by: { ms: number } | { days: number }): Promise<ClockState> {
    return this.call('POST', '/clock/advance', by);
  }

  requests(
    filter: { platform?: Platform; since?: number; path?: string; limit?: number } = {},
  ): Promise<RequestLogAnswer> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v !== undefined) q.set(k, String(v));
    return this.call('GET', `/requests?${q.toString()}`);
  }

  clearRequests(): Promise<{ cleared: true }> {
    return this.call('DELETE', '/requests');
  }

  async tokens(): Promise<TokenRecord[]> {
    return (await this.call<{ tokens: TokenRecord[] }>('GET', '/tokens')).tokens;
  }

  updateToken(
    token: string,
    patch: { status?: TokenStatus; permissions?: string[] },
  ): Promise<TokenRecord> {
    return this.call('PATCH', `/tokens/${encodeURIComponent(token)}`, patch);
  }

  resetLimits(platform?: Platform): Promise<{ reset: string }> {
    return this.call('POST', '/limits/reset', platform === undefined ? {} : { platform });
  }

  /** Faults, tokens, deleted posts, clock, limits and the request log back to their start state. */
  reset(): Promise<Record<string, unknown>> {
    return this.call('POST', '/reset');
  }
}
