// Process plumbing shared by the services: finding executables and the repo root, free ports,
// per-run data directories, child processes that die with their parent, and the exit hooks.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createServer, createConnection, type Socket } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Directory of the repository (the one holding tools/ferretdb/go.mod), found from this file. */
export function findRepoRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (
      existsSync(join(dir, 'tools', 'ferretdb', 'go.mod')) &&
      existsSync(join(dir, 'package.json'))
    )
      return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** Absolute path of an executable on PATH, or undefined. */
export function which(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A TCP port that was free a moment ago on 127.0.0.1: `preferred` when it is free (e.g. 3000 for
 * the demo's dashboard), otherwise any.
 */
export function freePort(preferred = 0): Promise<number> {
  const attempt = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        const bound = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(bound));
      });
    });
  return preferred === 0 ? attempt(0) : attempt(preferred).catch(() => attempt(0));
}

/** True when something accepts TCP connections on host:port within timeoutMs. */
export function portAnswers(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: Socket = createConnection({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A fresh id for this run's data directories: r<pid>-<time>, so stale ones can be recognised. */
export function newRunId(): string {
  return `r${process.pid}-${Date.now().toString(36)}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates `<base>/<runId>/` after removing sibling run directories whose process is gone. */
export function makeRunDir(base: string, runId: string): string {
  mkdirSync(base, { recursive: true });
  for (const entry of readdirSync(base)) {
    const m = /^r(\d+)-[a-z0-9]+$/.exec(entry);
    if (m && entry !== runId && !pidAlive(Number(m[1]))) {
      rmSync(join(base, entry), { recursive: true, force: true });
    }
  }
  const dir = join(base, runId);
  mkdirSync(dir, { recursive: true });
  return dir;
}

// The watchdog is a tiny Node process holding the read end of a pipe from us. When we die (even
// by SIGKILL) the kernel closes the pipe, the watchdog sees EOF and terminates the service.
const WATCHDOG = `
const pid = Number(process.argv[1]);
let done = false;
const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
const finish = () => {
  if (done) return;
  done = true;
  try { process.kill(pid, 'SIGTERM'); } catch {}
  const t0 = Date.now();
  setInterval(() => {
    if (!alive()) process.exit(0);
    if (Date.now() - t0 > 3000) { try { process.kill(pid, 'SIGKILL'); } catch {} process.exit(0); }
  }, 50);
};
process.stdin.on('end', finish);
process.stdin.on('close', finish);
process.stdin.on('error', finish);
process.stdin.resume();
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, finish);
setInterval(() => { if (!done && !alive()) process.exit(0); }, 1000);
`;

export function spawnWatchdog(pid: number): ChildProcess {
  const dog = spawn(process.execPath, ['-e', WATCHDOG, String(pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  dog.on('error', () => undefined);
  dog.stdin?.on('error', () => undefined);
  return dog;
}

/** Lets the event loop end although the child (and its pipes) are still open. */
export function unrefChild(child: ChildProcess): void {
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as Socket | null)?.unref?.();
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM, then SIGKILL when the process has not exited after `graceMs`. */
export async function stopChildProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (exited(child)) return;
  const gone = waitExit(child, graceMs);
  child.kill('SIGTERM');
  if (!(await gone)) {
    child.kill('SIGKILL');
    await waitExit(child, graceMs);
  }
}

/** A service process we started, with what it takes to stop it. */
export class ManagedChild {
  private stopping: Promise<void> | undefined;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly watchdog: ChildProcess | undefined,
    /** Removed on stop; undefined when the data must be kept. */
    readonly removeDir: string | undefined,
  ) {
    register(this);
  }

  get running(): boolean {
    return !exited(this.child);
  }

  /** SIGTERM, then SIGKILL after 5 s; then removes the run's data directory. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (!exited(this.child)) {
        this.child.kill('SIGTERM');
        if (!(await waitExit(this.child, 5000))) {
          this.child.kill('SIGKILL');
          await waitExit(this.child, 2000);
        }
      }
      if (this.watchdog) {
        this.watchdog.stdin?.destroy();
        if (!(await waitExit(this.watchdog, 1000))) this.watchdog.kill('SIGKILL');
      }
      this.child.stdin?.destroy();
      if (this.removeDir) rmSync(this.removeDir, { recursive: true, force: true });
      unregister(this);
    })();
    return this.stopping;
  }

  /** Best effort from the 'exit' hook, where nothing asynchronous runs any more. */
  killSync(): void {
    try {
      if (!exited(this.child)) this.child.kill('SIGTERM');
    } catch {
      // already gone
    }
    this.child.stdin?.destroy();
    this.watchdog?.stdin?.destroy();
    if (this.removeDir) rmSync(this.removeDir, { recursive: true, force: true });
  }
}

// ---- exit hooks: installed while at least one child runs -----------------------------------

const live = new Set<ManagedChild>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let hooked = false;

function onExit(): void {
  for (const c of live) c.killSync();
}

function onSignal(signal: NodeJS.Signals): void {
  const all = [...live].map((c) => c.stop());
  void Promise.race([Promise.all(all), sleep(8000)]).then(() => {
    unhook();
    // Nobody else listens: behave as if we had not intercepted the signal.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function unhook(): void {
  if (!hooked) return;
  hooked = false;
  process.off('exit', onExit);
  for (const s of SIGNALS) process.off(s, onSignal);
}

function register(c: ManagedChild): void {
  live.add(c);
  hook();
}

function unregister(c: ManagedChild): void {
  live.delete(c);
  if (live.size === 0) unhook();
}

/** Stops every service this process started. */
export async function stopAllServices(): Promise<void> {
  await Promise.all([...live].map((c) => c.stop()));
}

/**
 * Calls `onOrphan` once when this process's parent dies (we get re-parented). For long-running
 * scripts such as `npm run services`, so that killing the wrapper also ends the script.
 */
export function watchParent(onOrphan: () => void, intervalMs = 1000): () => void {
  const original = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== original) {
      clearInterval(timer);
      onOrphan();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
