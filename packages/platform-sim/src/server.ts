/**
 * The HTTP server: routes `/{platform}/...` to the platform handlers and `/_sim/...` to the admin
 * API, applies the fault switches, and logs every platform request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AdminApi } from './admin';
import type { SimContext } from './context';
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
      const r = await admin.handle(method, url, req.headers, body);
      send(res, r.status, {}, JSON.stringify(r.body));
      return;
    }
    const m = /^\/([a-z]+)(\/.*)?$/.exec(url.pathname);
    const platform = PLATFORMS.find((p) => p === m?.[1]);
    const handler = platform ? handlers.get(platform) : undefined;
    if (!platform || !handler) {
      send(
        res,
        404,
        {},
        JSON.stringify({
          error: {
            message: `No platform at ${url.pathname}; use /${PLATFORMS.join(', /')} or /_sim`,
          },
        }),
      );
      return;
    }
    const path = m?.[2] ?? '/';
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
          baseUrl: `http://${host}/${platform}`,
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
