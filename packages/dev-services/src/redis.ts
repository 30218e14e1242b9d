import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

import { Redis } from 'ioredis';

import { aptInstall, canApt } from './apt';
import { ServiceError, reason } from './errors';
import { defaultLog, lastLogLine } from './logs';
import type { ServiceOptions } from './options';
import {
  ManagedChild,
  findRepoRoot,
  freePort,
  makeRunDir,
  newRunId,
  sleep,
  spawnWatchdog,
  unrefChild,
  which,
} from './proc';
import { parseRedisUrl, redactSecrets, redisHost } from './uri';

export interface RedisService {
  url: string;
  kind: 'external' | 'redis-server';
  /** PID of the redis-server we started (undefined for external). */
  pid?: number;
  stop(): Promise<void>;
}

export const INSTALL_REDIS = 'install Redis: apt-get install redis-server (or set REDIS_URL)';

/** PINGs a Redis URL once with ioredis; resolves, or rejects with a one-sentence ServiceError. */
export async function pingRedis(
  url: string,
  source = 'REDIS_URL',
  timeoutMs = 5000,
): Promise<void> {
  const parsed = parseRedisUrl(url, source);
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const why = redactSecrets(reason(err), url);
    throw new ServiceError(
      `Redis at ${redisHost(parsed)} (${source}) did not answer PING: ${why}.`,
    );
  } finally {
    client.disconnect();
  }
}

/** Sends an inline PING over a raw socket; true on "+PONG". */
function rawPing(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let buf = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

async function findRedisServer(opts: ServiceOptions): Promise<string> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? defaultLog;
  const found = which('redis-server', env);
  if (found) return found;
  if (opts.installMissing === false || !canApt()) throw new ServiceError(INSTALL_REDIS);
  log('redis-server is not installed; installing it with apt-get (running as root)…');
  await aptInstall('redis-server', log);
  const installed =
    which('redis-server', env) ??
    ['/usr/bin/redis-server', '/usr/sbin/redis-server'].find((p) => existsSync(p));
  if (!installed) throw new ServiceError(INSTALL_REDIS);
  return installed;
}

/**
 * REDIS_URL when set (validated and PINGed), else a redis-server on a free 127.0.0.1 port with no
 * persistence, which dies with this process.
 */
export async function startRedis(opts: ServiceOptions = {}): Promise<RedisService> {
  const env = opts.env ?? process.env;
  const fromEnv = env.REDIS_URL?.trim();
  if (opts.useEnv !== false && fromEnv) {
    await pingRedis(fromEnv);
    return { url: fromEnv, kind: 'external', stop: () => Promise.resolve() };
  }

  const bin = await findRedisServer(opts);
  const root = opts.rootDir ?? findRepoRoot();
  let lastError = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const dir = opts.dataDir ?? makeRunDir(join(root, '.data', 'redis'), newRunId());
    const logFile = join(dir, 'redis.log');
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--logfile',
      logFile,
      '--daemonize',
      'no',
    ];
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    if (child.pid === undefined) {
      throw new ServiceError(`cannot start ${bin}: ${reason(await spawnError)}.`);
    }
    const managed = new ManagedChild(
      'redis-server',
      child,
      spawnWatchdog(child.pid),
      opts.dataDir ? undefined : dir,
    );
    const deadline = Date.now() + 15_000;
    while (managed.running && Date.now() < deadline) {
      if (await rawPing(port)) {
        unrefChild(child);
        if (managed.watchdog) unrefChild(managed.watchdog);
        return {
          url: `redis://127.0.0.1:${port}`,
          kind: 'redis-server',
          pid: child.pid,
          stop: () => managed.stop(),
        };
      }
      await sleep(50);
    }
    lastError = lastLogLine(logFile) || stderr.trim().split('\n').at(-1) || 'no output';
    const timedOut = managed.running;
    await managed.stop();
    if (timedOut) {
      throw new ServiceError(`redis-server did not answer PING within 15 s (${lastError}).`);
    }
    if (!/address already in use/i.test(lastError)) break;
  }
  throw new ServiceError(`redis-server exited at startup (${lastError.replace(/\.$/, '')}).`);
}
