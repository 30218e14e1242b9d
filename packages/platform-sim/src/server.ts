/**
 * The HTTP server: routes `/{platform}/...` and the real hosts' root paths (`/v25.0/...` Graph,
 * `/2/...` X, `/youtube/v3/...` YouTube, `/v2/bot/...` LINE, other `/v2/...` TikTok) to the
 * platform handlers and `/_sim/...` to the admin API, applies the fault switches, and logs every
 * platform request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AdminApi } from './admin';
import type { SimContext } from './context';
import { graphOwner } from './platforms/graph';
import { bearer } from './tokens';
import { redactQuery, type RequestLog, type RequestLogEntry } from './requestLog';
import { PLATFORMS, type Platform, type PlatformHandler, type SimResponse } from './types';

const MAX_BODY = 5 * 1024 * 1024;

export interface ServerDeps {
  ctx: SimContext;
  handlers: Map<Platform, PlatformHandler>;
  log: RequestLog;
  admin: AdminApi;
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () =>
      resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  text: string,
): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Where a request goes: the platform, the path its handler sees, and whether it came by root. */
export interface Route {
  platform: Platform;
  path: string;
  root: boolean;
}

const ROOT_PATHS =
  '/vNN.N/… (Graph: Facebook and Instagram), /2/… (X), /youtube/v3/… (YouTube), /v2/bot/… (LINE), /v2/… (TikTok)';

/**
 * Map a URL path to a platform. Prefixed paths (`/facebook/v25.0/…`) name the platform; root
 * paths are those of the real hosts and, on the Graph, the node's owner decides.
 */
export function routeOf(
  ctx: SimContext,
  pathname: string,
  query: URLSearchParams,
  authorization: string | undefined,
): Route | undefined {
  const m = /^\/([a-z]+)(\/.*)?$/.exec(pathname);
  const prefixed = PLATFORMS.find((p) => p === m?.[1]);
  const rest = m?.[2] ?? '/';
  if (prefixed === 'youtube' && /^\/v3(\/|$)/.test(rest)) {
    // www.googleapis.com/youtube/v3/... : the real host's own path.
    return { platform: 'youtube', path: `/youtube${rest}`, root: true };
  }
  if (prefixed) return { platform: prefixed, path: rest, root: false };
  const graph = /^\/v\d+\.\d+(\/[^/]*)?/.exec(pathname);
  if (graph) {
    const node = graph[1]?.slice(1) || undefined;
    const token = query.get('access_token') ?? bearer(authorization);
    const owner = graphOwner(ctx, node, token) ?? 'facebook';
    return { platform: owner, path: pathname, root: true };
  }
  if (/^\/2(\/|$)/.test(pathname)) return { platform: 'x', path: pathname, root: true };
  if (/^\/v2\/bot(\/|$)/.test(pathname)) return { platform: 'line', path: pathname, root: true };
  if (/^\/v2(\/|$)/.test(pathname)) return { platform: 'tiktok', path: pathname, root: true };
  return undefined;
}

export function createSimServer(deps: ServerDeps): { server: Server; closeHanging: () => void } {
  const { ctx, handlers, log, admin } = deps;
  const hanging = new Set<NodeJS.Timeout>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const at = new Date(ctx.wall()).toISOString();
    const host = req.headers.host ?? 'localhost';
    const url = new URL(req.url ?? '/', `http://${host}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    if (body === undefined) {
      send(res, 413, {}, JSON.stringify({ error: { message: 'Request body too large' } }));
      return;
    }
    if (url.pathname === '/_sim' || url.pathname.startsWith('/_sim/')) {
      ctx.live?.sync(ctx.clock.now());
      const r = await admin.handle(method, url, req.headers, body);
      send(res, r.status, {}, JSON.stringify(r.body));
      return;
    }
    ctx.live?.sync(ctx.clock.now());
    const route = routeOf(ctx, url.pathname, url.searchParams, req.headers.authorization);
    const handler = route ? handlers.get(route.platform) : undefined;
    if (!route || !handler) {
      send(
        res,
        404,
        {},
        JSON.stringify({
          error: {
            message: `No platform at ${url.pathname}; use /${PLATFORMS.join(', /')}, the real hosts' root paths ${ROOT_PATHS}, or /_sim`,
          },
        }),
      );
      return;
    }
    const { platform, path } = route;
    const entry = (status: number, extra: Partial<RequestLogEntry> = {}): void => {
      log.add({
        at,
        simTime: new Date(ctx.clock.now()).toISOString(),
        method,
        platform,
        path,
        query: redactQuery(url.searchParams),
        status,
        durationMs: Math.round((performance.now() - t0) * 100) / 100,
        ...extra,
      });
    };
    const faults = ctx.faults.get();
    const faulty = ctx.faults.appliesTo(platform);
    if (faulty && ctx.faults.roll(faults.timeoutRate)) {
      entry(0, { fault: 'timeout' });
      const timer = setTimeout(() => {
        hanging.delete(timer);
        req.socket.destroy();
      }, faults.timeoutMs);
      hanging.add(timer);
      return;
    }
    if (faulty && faults.latencyMs > 0) await sleep(faults.latencyMs);
    let out: SimResponse;
    let fault: RequestLogEntry['fault'];
    if (faulty && ctx.faults.roll(faults.errorRate)) {
      out = handler.serverError();
      fault = 'error';
    } else {
      try {
        out = await handler.handle({
          method,
          path,
          query: url.searchParams,
          headers: req.headers,
          body,
          baseUrl: route.root ? `http://${host}` : `http://${host}/${platform}`,
          root: route.root,
        });
      } catch (err) {
        console.error(`[platform-sim] ${platform} ${method} ${path}: ${(err as Error).message}`);
        out = handler.serverError();
      }
    }
    let text = JSON.stringify(out.body);
    if (faulty && ctx.faults.roll(faults.malformedRate)) {
      text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
      fault = 'malformed';
    }
    send(res, out.status, out.headers ?? {}, text);
    const extra: Partial<RequestLogEntry> = {};
    if (out.accountId !== undefined) extra.accountId = out.accountId;
    if (out.items !== undefined) extra.items = out.items;
    if (fault !== undefined) extra.fault = fault;
    entry(out.status, extra);
  }

  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error(`[platform-sim] ${(err as Error).message}`);
      if (!res.headersSent)
        send(res, 500, {}, JSON.stringify({ error: { message: 'Internal simulator error' } }));
      else res.destroy();
    });
  });
  return {
    server,
    closeHanging: () => {
      for (const t of hanging) clearTimeout(t);
      hanging.clear();
    },
  };
}
