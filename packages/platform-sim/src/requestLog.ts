/** A bounded log of every platform request served, which tests read to count calls. */
import type { Platform } from './types';

export interface RequestLogEntry {
  seq: number;
  /** Wall time the request arrived, ISO 8601. */
  at: string;
  /** Simulated time, ISO 8601. */
  simTime: string;
  method: string;
  platform: Platform;
  /** Path after the platform prefix. */
  path: string;
  /** Query string with tokens replaced by `***`. */
  query: string;
  status: number;
  durationMs: number;
  accountId?: string;
  /** Facebook batch: number of sub-requests. */
  items?: number;
  /** Fault injected, if any. */
  fault?: 'error' | 'timeout' | 'malformed';
}

export interface RequestLogFilter {
  platform?: Platform;
  /** Only entries with `seq` greater than this. */
  since?: number;
  /** Only entries whose path contains this. */
  path?: string;
  limit?: number;
}

const SECRET_PARAMS = ['access_token', 'key', 'appsecret_proof'];

export function redactQuery(q: URLSearchParams): string {
  const copy = new URLSearchParams(q);
  for (const k of SECRET_PARAMS) if (copy.has(k)) copy.set(k, '***');
  return copy.toString();
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;
  private readonly totals = new Map<Platform, number>();

  constructor(private readonly capacity: number) {}

  add(e: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const entry = { seq: ++this.seq, ...e };
    this.entries.push(entry);
    if (this.entries.length > this.capacity)
      this.entries.splice(0, this.entries.length - this.capacity);
    this.totals.set(e.platform, (this.totals.get(e.platform) ?? 0) + 1);
    return entry;
  }

  list(f: RequestLogFilter = {}): RequestLogEntry[] {
    const out = this.entries.filter(
      (e) =>
        (f.platform === undefined || e.platform === f.platform) &&
        (f.since === undefined || e.seq > f.since) &&
        (f.path === undefined || e.path.includes(f.path)),
    );
    return f.limit === undefined ? out : out.slice(-f.limit);
  }

  /** Requests served per platform since start (or the last clear), not bounded by capacity. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.totals);
  }

  lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.entries = [];
    this.totals.clear();
  }
}
