/**
 * A Redis and an embedded store of the fault tests' own, on fixed ports and data directories, so
 * that a test can stop, kill and restart them under a running collector (the shared services of
 * the test run must never go down).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ensureFerretdb, freePort, pingRedis } from '@reachline/dev-services';
import { root, sleep } from './harness';

abstract class RestartableServer {
  protected child: ChildProcess | undefined;
  protected exited: Promise<void> = Promise.resolve();
  readonly dir: string;
  constructor(
    label: string,
    readonly port: number,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `reachline-${label}-`));
  }

  protected track(child: ChildProcess): void {
    this.child = child;
    this.exited = new Promise((r) => child.once('exit', () => r()));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Stops it with `signal` (SIGTERM: a clean stop; SIGKILL: a crash) and waits for the exit. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }

  async remove(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** redis-server with its append-only file, as docker-compose.yml runs it. */
export class OwnRedis extends RestartableServer {
  static async create(): Promise<OwnRedis> {
    return new OwnRedis('redis', await freePort(0));
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    this.track(child);
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        await pingRedis(this.url, 'test redis', 500);
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(100);
      }
    }
  }
}

/** The embedded FerretDB (SQLite) on a fixed port, its files kept across restarts. */
export class OwnFerretdb extends RestartableServer {
  static async create(): Promise<OwnFerretdb> {
    return new OwnFerretdb('ferretdb', await freePort(0));
  }

  /** The URI of database `name` on it. */
  uri(name: string): string {
    return `mongodb://127.0.0.1:${this.port}/${name}`;
  }

  async start(): Promise<void> {
    const bin = await ensureFerretdb(root);
    const child = spawn(
      bin,
      [
        '-listen',
        `127.0.0.1:${this.port}`,
        '-handler',
        'sqlite',
        '-data',
        `${join(this.dir, 'data')}/`,
        '-log-level',
        'error',
        '-watch-stdin',
      ],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    child.stdin?.on('error', () => undefined);
    this.track(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('FerretDB not READY within 30 s')), 30_000);
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.startsWith('READY')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`FerretDB exited at start-up (${code})`));
      });
    });
  }

  /** The SQLite files' own check (`PRAGMA integrity_check`), through Python's sqlite3. */
  integrityCheck(): Promise<Record<string, string>> {
    const script = [
      'import glob, json, sqlite3, sys',
      'out = {}',
      'for f in sorted(glob.glob(sys.argv[1] + "/*.sqlite")):',
      '    c = sqlite3.connect(f)',
      '    out[f.rsplit("/", 1)[-1]] = c.execute("PRAGMA integrity_check").fetchone()[0]',
      '    c.close()',
      'print(json.dumps(out))',
    ].join('\n');
    return new Promise((resolve, reject) => {
      const child = spawn('python3', ['-c', script, join(this.dir, 'data')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.once('exit', (code) =>
        code === 0
          ? resolve(JSON.parse(out) as Record<string, string>)
          : reject(new Error(`integrity check failed to run: ${err}`)),
      );
    });
  }
}
