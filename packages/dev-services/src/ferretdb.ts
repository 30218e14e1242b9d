// Building and running the embedded FerretDB in tools/ferretdb.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { ServiceError } from './errors';
import { ensureFerretdbBinary, type FerretdbVariant } from './ferretdbBuild';
import { defaultLog, lastLogLine, type Log } from './logs';
import { ManagedChild, makeRunDir, newRunId, unrefChild } from './proc';

export {
  NO_MONGO,
  applyFerretdbPatches,
  buildFerretdb,
  ferretdbBinaryPath,
  readFerretdbPatches,
  type FerretdbPatch,
  type FerretdbVariant,
} from './ferretdbBuild';

/**
 * Returns the path of the FerretDB binary, building it (tools/ferretdb with the patches of
 * tools/ferretdb/patches.json, see ferretdbBuild.ts) when it is not cached yet. FERRETDB_BIN
 * overrides the patched variant; the stock variant (for benchmarks) is always built here.
 */
export async function ensureFerretdb(
  root: string,
  log: Log = defaultLog,
  env: NodeJS.ProcessEnv = process.env,
  variant: FerretdbVariant = 'patched',
): Promise<string> {
  if (variant === 'patched' && env.FERRETDB_BIN) {
    if (!existsSync(env.FERRETDB_BIN))
      throw new ServiceError(`FERRETDB_BIN points at ${env.FERRETDB_BIN}, which does not exist.`);
    return env.FERRETDB_BIN;
  }
  return ensureFerretdbBinary(root, { variant, log, env });
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
  /** Default 'patched'; 'stock' is FerretDB as released (for benchmarks only). */
  variant?: FerretdbVariant;
}

/** Starts FerretDB on a free 127.0.0.1 port and resolves once it printed its READY line. */
export async function startFerretdb(opts: FerretdbStartOptions): Promise<FerretdbProcess> {
  const bin = await ensureFerretdb(opts.root, opts.log, opts.env, opts.variant);
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
