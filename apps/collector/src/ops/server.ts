/**
 * The collector's small HTTP server: `/healthz` (200 when Redis and the store answer and the
 * scheduler ticked recently, else 503 with the reason) and `/metrics` (Prometheus text).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pipeline } from '../pipeline/pipeline';
import type { CollectorContext } from '../pipeline/context';
import { duePosts, queueDepth, registry } from './metrics';

export interface HealthState {
  /** Wall ms of the last harvest tick, or null before the first. */
  lastTickAt: number | null;
  /** A tick older than this means the scheduler is stuck. */
  maxTickAgeMs: number;
  startedAt: number;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  redis: { ok: boolean; error?: string };
  store: { ok: boolean; error?: string };
  scheduler: { ok: boolean; lastTickAt: string | null; error?: string };
}

async function check(fn: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000)),
    ]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message.split('\n')[0] };
  }
}

export async function healthReport(
  ctx: CollectorContext,
  state: HealthState,
): Promise<HealthReport> {
  const [redis, store] = await Promise.all([
    check(() => ctx.redis.ping()),
    check(async () => {
      const db = ctx.models.Post.db.db;
      if (!db) throw new Error('not connected');
      await db.admin().ping();
    }),
  ]);
  const now = Date.now();
  const reference = state.lastTickAt ?? state.startedAt;
  const tickOk = now - reference <= state.maxTickAgeMs;
  const scheduler = {
    ok: tickOk,
    lastTickAt: state.lastTickAt === null ? null : new Date(state.lastTickAt).toISOString(),
    ...(tickOk ? {} : { error: 'the scheduler has not ticked recently' }),
  };
  return { status: redis.ok && store.ok && tickOk ? 'ok' : 'degraded', redis, store, scheduler };
}

export async function startOpsServer(
  ctx: CollectorContext,
  pipeline: Pipeline,
  state: HealthState,
  port: number,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed\n');
    if (path === '/healthz') {
      healthReport(ctx, state)
        .then((r) => send(r.status === 'ok' ? 200 : 503, 'application/json', JSON.stringify(r)))
        .catch((err: unknown) =>
          send(
            503,
            'application/json',
            JSON.stringify({ status: 'degraded', error: (err as Error).message }),
          ),
        );
      return;
    }
    if (path === '/metrics') {
      updateScrapeGauges(ctx, pipeline)
        .then(() => registry.metrics())
        .then((text) => send(200, registry.contentType, text))
        .catch((err: unknown) =>
          send(500, 'text/plain', `metrics unavailable: ${(err as Error).message}\n`),
        );
      return;
    }
    send(404, 'text/plain', 'not found: try /healthz or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // In a container the probe and Prometheus come from outside the process's loopback.
    const host = process.env.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1';
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

async function updateScrapeGauges(ctx: CollectorContext, pipeline: Pipeline): Promise<void> {
  for (const q of [pipeline.harvestQueue, pipeline.discoveryQueue]) {
    const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    for (const [state, n] of Object.entries(counts)) queueDepth.set({ queue: q.name, state }, n);
  }
  duePosts.set({ state: 'due' }, await ctx.schedule.dueCount(ctx.clock.now()));
  duePosts.set({ state: 'in_flight' }, await ctx.schedule.inFlight());
}
