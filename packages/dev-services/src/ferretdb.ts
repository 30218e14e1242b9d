// Building and running the embedded FerretDB in tools/ferretdb.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { ServiceError, reason } from './errors';
import { defaultLog, lastLogLine, type Log } from './logs';
import { ManagedChild, makeRunDir, newRunId, unrefChild, which } from './proc';

export const NO_MONGO =
  'no MongoDB available: set MONGODB_URI, put mongod on PATH, or install Go 1.24+ (https://go.dev/dl/) so the embedded FerretDB in tools/ferretdb can be built';

/** Where the binary for the current sources lives: .data/bin/ferretdb-<hash of the sources>. */
export function ferretdbBinaryPath(root: string): string {
  const src = join(root, 'tools', 'ferretdb');
  const hash = createHash('sha256');
  for (const f of ['main.go', 'go.mod', 'go.sum']) {
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(src, f)))
      .update('\0');
  }
  return join(root, '.data', 'bin', `ferretdb-${hash.digest('hex').slice(0, 16)}`);
}

/**
 * Returns the path of the FerretDB binary, building it with `go build` when it is not cached yet
 * (FERRETDB_BIN overrides it).
 */
export async function ensureFerretdb(
  root: string,
  log: Log = defaultLog,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (env.FERRETDB_BIN) {
    if (!existsSync(env.FERRETDB_BIN))
      throw new ServiceError(`FERRETDB_BIN points at ${env.FERRETDB_BIN}, which does not exist.`);
    return env.FERRETDB_BIN;
  }
  const bin = ferretdbBinaryPath(root);
  if (existsSync(bin)) return bin;
  const go = which('go', env);
  if (!go) throw new ServiceError(`${NO_MONGO}.`);
  mkdirSync(join(root, '.data', 'bin'), { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  log('building embedded FerretDB (first run only)…');
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['build', '-trimpath', '-o', tmp, '.'], {
      cwd: join(root, 'tools', 'ferretdb'),
      env: { ...env, CGO_ENABLED: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let out = '';
    child.stderr.on('data', (d: Buffer) => {
      out = (out + d.toString()).slice(-4000);
    });
    child.once('error', (err) =>
      reject(new ServiceError(`cannot run go build for tools/ferretdb: ${reason(err)}.`)),
    );
    child.once('exit', (code) => {
      if (code === 0) return resolve();
      rmSync(tmp, { force: true });
      const last = out.trim().split('\n').at(-1) ?? 'no output';
      reject(
        new ServiceError(`go build of tools/ferretdb failed with exit code ${code} (${last}).`),
      );
    });
  });
  renameSync(tmp, bin);
  log(`built ${bin} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return bin;
}

export interface FerretdbProcess {
  uri: string;
  pid: number;
  stop(): Promise<void>;
}

export interface FerretdbStartOptions {
  root: string;
  log?: Log;
  env?: NodeJS.ProcessEnv;
  /** Kept when given; else a per-run directory under .data/ferretdb/ removed on stop. */
  dataDir?: string;
  handler?: 'sqlite' | 'postgresql';
  postgresqlUrl?: string;
}

/** Starts FerretDB on a free 127.0.0.1 port and resolves once it printed its READY line. */
export async function startFerretdb(opts: FerretdbStartOptions): Promise<FerretdbProcess> {
  const bin = await ensureFerretdb(opts.root, opts.log, opts.env);
  const runDir = opts.dataDir ?? makeRunDir(join(opts.root, '.data', 'ferretdb'), newRunId());
  mkdirSync(runDir, { recursive: true });
  const logFile = join(runDir, 'ferretdb.log');
  const args = ['-listen', '127.0.0.1:0', '-watch-stdin', '-log-level', 'warn'];
  if (opts.handler === 'postgresql') {
    if (!opts.postgresqlUrl)
      throw new ServiceError(
        'MONGO_BACKEND=ferretdb-postgresql needs FERRETDB_POSTGRESQL_URL (for example postgres://user:pass@127.0.0.1:5432/ferretdb).',
      );
    args.push('-handler', 'postgresql', '-postgresql-url', opts.postgresqlUrl);
  } else {
    args.push('-handler', 'sqlite', '-data', `${join(runDir, 'data')}/`);
  }
  const logFd = openSync(logFile, 'a');
  // stdin stays an open pipe that we never write to: -watch-stdin exits when it closes.
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', logFd], detached: true });
  closeSync(logFd);
  child.stdin?.on('error', () => undefined);
  const managed = new ManagedChild('ferretdb', child, undefined, opts.dataDir ? undefined : runDir);

  const uri = await new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 30_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^READY (mongodb:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.once('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  if (!uri || child.pid === undefined) {
    const last = lastLogLine(logFile) || 'no output';
    const running = managed.running;
    await managed.stop();
    throw new ServiceError(
      running
        ? `FerretDB did not print READY within 30 s (${last}).`
        : `FerretDB exited at startup (${last}).`,
    );
  }
  unrefChild(child);
  return { uri, pid: child.pid, stop: () => managed.stop() };
}
