/**
 * Builds the dashboard for production and runs its standalone server (the same
 * `.next/standalone/apps/dashboard/front.mjs` the Docker image runs), for the demo and the
 * end-to-end tests. A build runs only when the sources changed since the last one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot, freePort, stopChildProcess } from './proc';

let building: Promise<void> | undefined;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0
        ? res()
        : rej(new Error(`dashboard build failed (next ${args.join(' ')}, exit ${code}):\n${out}`)),
    );
  });
}

const SKIP = new Set(['node_modules', '.next', 'tsconfig.tsbuildinfo', 'next-env.d.ts']);

function addTree(hash: Hash, dir: string, rel: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of entries) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) addTree(hash, path, `${rel}/${name}`);
    else if (st.isFile()) {
      hash.update(`${rel}/${name}\0`);
      hash.update(readFileSync(path));
      hash.update('\0');
    }
  }
}

/** A digest of everything a dashboard build depends on: its sources, shared's, and the lockfile. */
export function dashboardSourceHash(root = findRepoRoot()): string {
  const hash = createHash('sha256');
  addTree(hash, join(root, 'apps/dashboard'), 'apps/dashboard');
  addTree(hash, join(root, 'packages/shared/src'), 'packages/shared/src');
  for (const file of ['package-lock.json', 'packages/shared/package.json']) {
    try {
      hash.update(readFileSync(join(root, file)));
    } catch {
      // absent in a partial checkout
    }
  }
  return hash.digest('hex');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `next build`, then the static assets copied beside the standalone server, as the Dockerfile
 * does. Skipped when the last build was of the same sources (`.next/reachline-source-hash`), and
 * serialised across processes by a lock directory, so test files running in parallel workers
 * build once and share the result.
 */
export function buildDashboard(root = findRepoRoot()): Promise<void> {
  building ??= (async () => {
    const dir = join(root, 'apps/dashboard');
    const marker = join(dir, '.next/reachline-source-hash');
    const lock = join(dir, '.next-build-lock');
    const server = join(dir, '.next/standalone/apps/dashboard/front.mjs');
    const fresh = (hash: string) =>
      existsSync(server) && existsSync(marker) && readFileSync(marker, 'utf8') === hash;
    for (;;) {
      const hash = dashboardSourceHash(root);
      if (fresh(hash)) return;
      try {
        mkdirSync(lock);
      } catch {
        // Another process is building; a lock older than 15 minutes is a crashed build.
        try {
          if (Date.now() - statSync(lock).mtimeMs > 15 * 60_000)
            rmSync(lock, { recursive: true, force: true });
        } catch {
          // gone meanwhile
        }
        await sleep(500);
        continue;
      }
      try {
        if (fresh(hash)) return;
        rmSync(marker, { force: true });
        await run(join(root, 'node_modules/.bin/next'), ['build'], dir, {
          ...process.env,
          NODE_ENV: 'production',
          NEXT_TELEMETRY_DISABLED: '1',
        });
        const target = join(dir, '.next/standalone/apps/dashboard/.next/static');
        rmSync(target, { recursive: true, force: true });
        cpSync(join(dir, '.next/static'), target, { recursive: true });
        // The production server: Next.js's handler behind the page cache (apps/dashboard/front.mjs).
        cpSync(join(dir, 'front.mjs'), join(dir, '.next/standalone/apps/dashboard/front.mjs'));
        writeFileSync(marker, hash);
        return;
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    }
  })().catch((err: unknown) => {
    building = undefined;
    throw err;
  });
  return building;
}

export interface RunningDashboard {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface StartDashboardOptions {
  /** Environment of the server (MONGODB_URI, secrets…); PATH and HOME are added. */
  env: Record<string, string | undefined>;
  port?: number;
  root?: string;
  /** Receives the server's output lines. */
  onOutput?: (line: string) => void;
  timeoutMs?: number;
}

/** Builds if needed, starts the standalone server, and resolves once /api/health answers. */
export async function startDashboard(opts: StartDashboardOptions): Promise<RunningDashboard> {
  const root = opts.root ?? findRepoRoot();
  await buildDashboard(root);
  const server = join(root, 'apps/dashboard/.next/standalone/apps/dashboard/front.mjs');
  if (!existsSync(server)) throw new Error(`the dashboard build produced no ${server}`);
  const port = await freePort(opts.port ?? 0);
  const child = spawn(process.execPath, [server], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      ...opts.env,
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const onData = (d: Buffer) => {
    const text = d.toString();
    log += text;
    if (opts.onOutput) for (const line of text.split('\n')) if (line) opts.onOutput(line);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const stop = () => stopChildProcess(child);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the dashboard exited at start-up:\n${log}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.status === 200 || res.status === 503) return { url, process: child, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `the dashboard did not answer within ${(opts.timeoutMs ?? 60_000) / 1000} s:\n${log}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
