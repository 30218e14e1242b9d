import { authorize } from '../../../lib/auth/guard';
import { storeProblemOf } from '../../../lib/db';
import {
  liveMessageOf,
  SSE_HEARTBEAT_MS,
  SSE_RETRY_MS,
  sseComment,
  sseFrame,
} from '../../../lib/live/events';
import { getReadModel } from '../../../lib/live/readModel';
import { getHarvestActivity } from '../../../lib/queries/overviewStatus';
import { getRedis } from '../../../lib/redis';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Server-Sent Events: one message per collector event the read model relays (after it re-read the
 * story), a comment heartbeat every 15 s, and a clean end when the browser goes away. Needs a
 * viewer (session or read-only API token).
 */
export async function GET(request: Request): Promise<Response> {
  const caller = await authorize(request, 'viewer');
  if (caller instanceof Response) return caller;
  let model;
  try {
    model = await getReadModel();
    await getHarvestActivity();
  } catch (err) {
    const message = storeProblemOf(err)?.message ?? 'The store does not answer; try again.';
    return Response.json({ error: message }, { status: 503, headers: { 'retry-after': '5' } });
  }
  const live = getRedis() !== null;
  const encoder = new TextEncoder();
  let stop = () => undefined as void;

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      const unsubscribe = model.onEvent((event, row) => {
        const message = liveMessageOf(event, row);
        if (message) send(sseFrame(message));
      });
      const heartbeat = setInterval(() => send(sseComment('heartbeat')), SSE_HEARTBEAT_MS);
      stop = () => {
        if (!open) return;
        open = false;
        unsubscribe();
        clearInterval(heartbeat);
        try {
          controller.close();
        } catch {
          // already closed by the runtime
        }
      };
      request.signal.addEventListener('abort', () => stop(), { once: true });
      send(`retry: ${SSE_RETRY_MS}\n`);
      send(`event: hello\ndata: ${JSON.stringify({ live })}\n\n`);
    },
    cancel() {
      stop();
    },
  });

  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform keeps the server's compression from buffering the stream.
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
}
