import 'server-only';
import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { apiTokenOf } from '../auth/guard';
import { SESSION_COOKIE, userOfSessionToken } from '../auth/session';
import { dashboardConfig } from '../config';
import { dataVersion } from '../dataVersion';
import { currentReadModel } from '../live/readModel';

/**
 * Rendered pages kept in memory, per signed-in browser, while nothing they show has changed.
 *
 * Rendering a page (React server components, nivo's SVG) costs 30–45 ms of CPU, so two cores
 * serve a few dozen pages a second and 50 busy clients queue for seconds (docs/BENCHMARKS.md).
 * Most of those renders repeat the last one: the data changes when the collector harvests, not
 * on every request. `front.mjs` asks this cache first for every request; it answers only:
 *   - a GET of the overview, the stories list or a story page (`CACHED_PATH`), as a full HTML
 *     document (never a React Server Components request of a client-side navigation), or of the
 *     read API's `kpi`, `stories` and `stories/{id}` (`CACHED_API`, JSON);
 *   - with a valid session, or for the read API a valid read-only API token: checked on every
 *     hit exactly as a render checks it (by `_id`, kept SMALL_CACHE_TTL_MS), so a sign-out, an
 *     expired or revoked session or token, or a disabled user is never served a kept answer;
 *   - for the same cookies, Authorization, URL, host, language and encoding (the key), so no
 *     browser or API client ever gets an answer made for another;
 *   - while `dataVersion()` is the one the page was rendered at (any collector event, any change
 *     made through any dashboard process drops every kept page at once) and for at most
 *     PAGE_CACHE_SECONDS (for what moves with the clock alone: "harvested 4 min ago");
 *   - only while this process is subscribed to the collector's Redis events: without REDIS_URL,
 *     or while Redis is unreachable, nothing would tell it of a change, so every page renders.
 * Everything else, and every miss, is rendered by Next.js as before; a miss's answer is kept if
 * it is a 200 HTML page or JSON answer without a Set-Cookie. Concurrent misses of one key wait
 * for the first render instead of rendering it again. Bounded to MAX_BYTES (least recently used
 * go first).
 */
const CACHED_PATH = /^\/(?:stories(?:\/[0-9a-f]{24})?)?$/;
/** The read API's GET routes (JSON), under the same rules. */
const CACHED_API = /^\/api\/v1\/(?:kpi|stories(?:\/[0-9a-f]{24})?)$/;
/** Request headers of client-side navigations, prefetches and server actions. */
const NEXT_HEADERS = [
  'rsc',
  'next-router-state-tree',
  'next-router-prefetch',
  'next-action',
  'next-url',
];
/** Response headers that belong to one answer, not to the page. */
const PER_ANSWER = new Set([
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'x-page-cache',
]);
const MAX_BYTES = 64 * 1024 * 1024;
const MAX_ENTRY_BYTES = 2 * 1024 * 1024;
/** How long a miss waits for the same page's render in progress before rendering it itself. */
const WAIT_FOR_RENDER_MS = 5_000;

interface Entry {
  version: number;
  at: number;
  status: number;
  headers: [string, string | string[]][];
  body: Buffer;
}

function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer | null {
  if (typeof chunk === 'string')
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
  return null;
}

export class PageCache {
  private readonly entries = new Map<string, Entry>();
  private readonly rendering = new Map<string, Promise<void>>();
  private bytes = 0;

  /**
   * Answers `req` from the cache and returns true, or returns false for Next.js to render it
   * (after arranging to keep the answer when it can be kept).
   */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const ttlMs = dashboardConfig().PAGE_CACHE_SECONDS * 1000;
    if (ttlMs <= 0 || req.method !== 'GET' || !currentReadModel()?.listening) return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const api = CACHED_API.test(path);
    if ((!api && !CACHED_PATH.test(path)) || url.includes('_rsc=') || url.length > 2_000)
      return false;
    if (req.headers.range || NEXT_HEADERS.some((h) => req.headers[h] !== undefined)) return false;
    const caller = await this.callerOf(req, api);
    if (!caller) return false; // Next.js answers: the sign-in redirect, a 401, a 403
    const key = createHash('sha256')
      .update(
        [
          headerText(req.headers.host),
          url,
          headerText(req.headers['accept-encoding']),
          headerText(req.headers['accept-language']),
          headerText(req.headers.cookie),
          headerText(req.headers.authorization),
          caller,
        ].join('\0'),
      )
      .digest('base64url');

    if (this.answer(key, ttlMs, res)) return true;
    const inProgress = this.rendering.get(key);
    if (inProgress) {
      await Promise.race([inProgress, new Promise((r) => setTimeout(r, WAIT_FOR_RENDER_MS))]);
      if (this.answer(key, ttlMs, res)) return true;
    }
    this.keepAnswer(key, res);
    return false;
  }

  /**
   * Who asks, checked as the page or route handler would check it, or null when that check would
   * not let a viewer through: a page needs a session cookie; the read API takes a session or a
   * read-only API token (`Authorization: Bearer`, which then decides alone, as in guard.ts).
   */
  private async callerOf(req: IncomingMessage, api: boolean): Promise<string | null> {
    const authorization = headerText(req.headers.authorization);
    if (authorization) {
      if (!api) return null;
      const token = await apiTokenOf(authorization);
      return token && token !== 'malformed' ? `token:${token.id}` : null;
    }
    const token = cookieValue(headerText(req.headers.cookie), SESSION_COOKIE);
    if (!token || token.length > 100) return null;
    const user = await userOfSessionToken(token);
    return user ? `user:${user.id}:${user.role}` : null;
  }

  private answer(key: string, ttlMs: number, res: ServerResponse): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    if (
      entry.version !== dataVersion() ||
      Date.now() - entry.at >= ttlMs ||
      !currentReadModel()?.listening
    ) {
      this.drop(key, entry);
      return false;
    }
    // Most recently used last, so eviction takes the oldest first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    res.statusCode = entry.status;
    for (const [name, value] of entry.headers) res.setHeader(name, value);
    res.setHeader('content-length', entry.body.length);
    res.setHeader('x-page-cache', 'hit');
    res.end(entry.body);
    return true;
  }

  /** Wraps `res` so that what Next.js writes is also collected, and kept when it may be. */
  private keepAnswer(key: string, res: ServerResponse): void {
    const version = dataVersion();
    const chunks: Buffer[] = [];
    let size = 0;
    let keepable = true;
    let settle!: () => void;
    const done = new Promise<void>((r) => (settle = r));
    this.rendering.set(key, done);
    const collect = (chunk: unknown, encoding: unknown) => {
      if (!keepable) return;
      const buf = toBuffer(chunk, encoding);
      if (!buf) return;
      size += buf.length;
      if (size > MAX_ENTRY_BYTES) {
        keepable = false;
        chunks.length = 0;
      } else chunks.push(Buffer.from(buf)); // a copy: the caller may reuse its buffer
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    res.setHeader('x-page-cache', 'miss');
    res.writeHead = (...args: unknown[]) => {
      // Headers passed to writeHead are not in getHeaders(): copy them in first.
      const headers = args.find((a, i) => i > 0 && typeof a === 'object' && a !== null);
      if (headers && !Array.isArray(headers) && !res.headersSent)
        for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders))
          if (value !== undefined) res.setHeader(name, value);
      return writeHead(args[0], ...(typeof args[1] === 'string' ? [args[1]] : []));
    };
    res.write = ((...args: unknown[]) => {
      collect(args[0], args[1]);
      return write(...args);
    }) as ServerResponse['write'];
    res.end = ((...args: unknown[]) => {
      if (typeof args[0] !== 'function') collect(args[0], args[1]);
      const result = end(...args);
      try {
        if (keepable) this.keep(key, version, res, Buffer.concat(chunks));
      } finally {
        this.rendering.delete(key);
        settle();
      }
      return result;
    }) as ServerResponse['end'];
    res.on('close', () => {
      if (this.rendering.get(key) === done) this.rendering.delete(key);
      settle();
    });
  }

  private keep(key: string, version: number, res: ServerResponse, body: Buffer): void {
    const type = headerText(res.getHeader('content-type') as string | string[] | undefined);
    if (res.statusCode !== 200 || !/^(?:text\/html|application\/json)\b/.test(type)) return;
    if (res.getHeader('set-cookie') !== undefined || version !== dataVersion()) return;
    if (!currentReadModel()?.listening) return;
    const headers: [string, string | string[]][] = [];
    for (const [name, value] of Object.entries(res.getHeaders())) {
      if (value === undefined || PER_ANSWER.has(name)) continue;
      headers.push([name, typeof value === 'number' ? String(value) : value]);
    }
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    this.entries.set(key, { version, at: Date.now(), status: 200, headers, body });
    this.bytes += body.length;
    for (const [k, e] of this.entries) {
      if (this.bytes <= MAX_BYTES) break;
      this.drop(k, e);
    }
  }

  private drop(key: string, entry: Entry): void {
    if (this.entries.get(key) !== entry) return;
    this.entries.delete(key);
    this.bytes -= entry.body.length;
  }
}

/** Where `front.mjs` finds the process's cache (the Next.js bundle and it share globalThis). */
export const PAGE_CACHE_GLOBAL = '__reachlinePageCache';

export function installPageCache(): PageCache {
  const holder = globalThis as typeof globalThis & { [PAGE_CACHE_GLOBAL]?: PageCache };
  holder[PAGE_CACHE_GLOBAL] ??= new PageCache();
  return holder[PAGE_CACHE_GLOBAL];
}
