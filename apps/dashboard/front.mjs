// @ts-check
/**
 * The dashboard's production server. Next.js's standalone build writes a `server.js` that starts
 * Next.js's own HTTP server; this file starts the same request handler (the `next()` API, with the
 * configuration the build traced into `.next/required-server-files.json`) behind our own HTTP
 * server, so that the page cache (lib/pageCache/pageCache.ts, installed into globalThis by
 * instrumentation.ts when Next.js starts) can answer a repeated page without rendering it again.
 * The build copies this file beside `server.js` (packages/dev-services, apps/dashboard/Dockerfile).
 * Environment as for `server.js`: PORT (3000), HOSTNAME (0.0.0.0), KEEP_ALIVE_TIMEOUT (ms).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = module.createRequire(import.meta.url);
const dir = path.dirname(fileURLToPath(import.meta.url));
process.env.NODE_ENV = 'production';
process.chdir(dir);

const port = Number.parseInt(process.env.PORT ?? '', 10) || 3000;
const hostname = process.env.HOSTNAME || '0.0.0.0';
const keepAliveTimeout = Number.parseInt(process.env.KEEP_ALIVE_TIMEOUT ?? '', 10);

/** @type {{ config: Record<string, unknown> }} */
const serverFiles = JSON.parse(
  readFileSync(path.join(dir, '.next/required-server-files.json'), 'utf8'),
);
// What the generated server.js sets: Next.js then uses the traced configuration as it is.
process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(serverFiles.config);

/** @type {(options: Record<string, unknown>) => { prepare(): Promise<void>; getRequestHandler(): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void> }} */
const next = require('next');
const app = next({ dev: false, dir, hostname, port, conf: serverFiles.config, quiet: true });

/**
 * @typedef {{ serve(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<boolean> }} PageCache
 */

function log(/** @type {string} */ level, /** @type {string} */ msg) {
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg });
  (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
}

try {
  await app.prepare();
} catch (err) {
  log(
    'error',
    `the dashboard could not start: ${String(err instanceof Error ? err.message : err).split('\n')[0]}`,
  );
  process.exit(1);
}
const handle = app.getRequestHandler();

const server = createServer((req, res) => {
  const cache = /** @type {PageCache | undefined} */ (
    /** @type {Record<string, unknown>} */ (globalThis).__reachlinePageCache
  );
  const render = () => {
    handle(req, res).catch((err) => {
      log(
        'error',
        `request failed: ${String(err instanceof Error ? err.message : err).split('\n')[0]}`,
      );
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  };
  if (!cache) return render();
  cache.serve(req, res).then(
    (answered) => {
      if (!answered) render();
    },
    () => {
      if (!res.headersSent) render(); // the cache could not decide (store down): render as usual
    },
  );
});
if (Number.isFinite(keepAliveTimeout) && keepAliveTimeout >= 0)
  server.keepAliveTimeout = keepAliveTimeout;

server.listen(port, hostname, () => {
  log('info', `dashboard listening on http://${hostname}:${port}`);
});

let stopping = false;
for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    // Finish the requests in hand; live streams (SSE) never end by themselves, so not for long.
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
    setTimeout(() => process.exit(0), 5_000).unref();
  });
}
