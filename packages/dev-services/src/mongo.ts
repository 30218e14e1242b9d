import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { MongoClient } from 'mongodb';

import { ServiceError, reason } from './errors';
import { startFerretdb } from './ferretdb';
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
import { mongoHosts, redactSecrets, validateMongoUri } from './uri';

export type MongoKind = 'external' | 'mongod' | 'ferretdb';

export interface MongoService {
  uri: string;
  kind: MongoKind;
  /** PID of the mongod/FerretDB we started (undefined for external). */
  pid?: number;
  stop(): Promise<void>;
}

export const MONGO_BACKENDS = ['auto', 'mongod', 'ferretdb', 'ferretdb-postgresql'] as const;
export type MongoBackend = (typeof MONGO_BACKENDS)[number];

export function parseMongoBackend(value: string | undefined): MongoBackend {
  const v = (value ?? '').trim() || 'auto';
  if ((MONGO_BACKENDS as readonly string[]).includes(v)) return v as MongoBackend;
  throw new ServiceError(
    `MONGO_BACKEND must be one of ${MONGO_BACKENDS.join(', ')}, not ${JSON.stringify(v)}.`,
  );
}

/** Runs `ping` against a MongoDB URI; rejects with one sentence naming the host, never a password. */
export async function pingMongo(
  uri: string,
  source = 'MONGODB_URI',
  timeoutMs = 5000,
): Promise<void> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } catch (err) {
    const why = redactSecrets(reason(err), uri);
    throw new ServiceError(`MongoDB at ${mongoHosts(uri)} (${source}) did not answer: ${why}.`);
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function startMongod(bin: string, opts: ServiceOptions): Promise<MongoService> {
  const root = opts.rootDir ?? findRepoRoot();
  const dir = opts.dataDir ?? makeRunDir(join(root, '.data', 'mongod'), newRunId());
  const dbPath = join(dir, 'db');
  mkdirSync(dbPath, { recursive: true });
  const logFile = join(dir, 'mongod.log');
  const port = await freePort();
  const args = ['--port', String(port), '--bind_ip', '127.0.0.1', '--dbpath', dbPath];
  args.push('--logpath', logFile, '--logappend');
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'ignore'], detached: true });
  child.on('error', () => undefined);
  if (child.pid === undefined) throw new ServiceError(`cannot start ${bin}.`);
  const managed = new ManagedChild(
    'mongod',
    child,
    spawnWatchdog(child.pid),
    opts.dataDir ? undefined : dir,
  );
  const uri = `mongodb://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  let last = '';
  while (managed.running && Date.now() < deadline) {
    try {
      await pingMongo(uri, 'mongod', 1000);
      unrefChild(child);
      if (managed.watchdog) unrefChild(managed.watchdog);
      return { uri, kind: 'mongod', pid: child.pid, stop: () => managed.stop() };
    } catch (err) {
      last = reason(err);
      await sleep(200);
    }
  }
  const running = managed.running;
  const logLine = lastLogLine(logFile).slice(0, 300) || last;
  await managed.stop();
  throw new ServiceError(
    running
      ? `mongod did not answer within 60 s (${logLine}).`
      : `mongod exited at startup (${logLine}).`,
  );
}

/**
 * MONGODB_URI when set (validated and pinged); else by MONGO_BACKEND (default auto): mongod on
 * PATH, else the embedded FerretDB (SQLite, or PostgreSQL with MONGO_BACKEND=ferretdb-postgresql
 * and FERRETDB_POSTGRESQL_URL).
 */
export async function startMongo(opts: ServiceOptions = {}): Promise<MongoService> {
  const env = opts.env ?? process.env;
  const fromEnv = env.MONGODB_URI?.trim();
  if (opts.useEnv !== false && fromEnv) {
    const uri = validateMongoUri(fromEnv);
    await pingMongo(uri);
    return { uri, kind: 'external', stop: () => Promise.resolve() };
  }
  const backend = parseMongoBackend(env.MONGO_BACKEND);
  const root = opts.rootDir ?? findRepoRoot();
  const log = opts.log ?? defaultLog;
  if (backend === 'mongod' || backend === 'auto') {
    const mongod = which('mongod', env);
    if (mongod) return startMongod(mongod, { ...opts, rootDir: root });
    if (backend === 'mongod')
      throw new ServiceError('MONGO_BACKEND=mongod but there is no mongod on PATH.');
  }
  const postgresql = backend === 'ferretdb-postgresql';
  const ferret = await startFerretdb({
    root,
    log,
    env,
    dataDir: opts.dataDir,
    handler: postgresql ? 'postgresql' : 'sqlite',
    postgresqlUrl: env.FERRETDB_POSTGRESQL_URL,
  });
  try {
    await pingMongo(ferret.uri, 'FerretDB', 10_000);
  } catch (err) {
    await ferret.stop();
    throw err;
  }
  return { uri: ferret.uri, kind: 'ferretdb', pid: ferret.pid, stop: () => ferret.stop() };
}
