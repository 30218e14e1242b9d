/**
 * The collector as a real process: it starts against the real services and says it is ready,
 * stops cleanly on SIGTERM, and turns every bad configuration into one sentence and exit 1.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/services';

const root = resolve(import.meta.dirname, '../..');
const db = useTestDatabase();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the collector with exactly `env` (plus PATH), until it exits or `until` matches. */
function runCollector(
  env: Record<string, string>,
  until?: RegExp,
  timeoutMs = 30_000,
  /** Runs once `until` matched, before the SIGTERM. */
  beforeStop?: (stdout: string) => Promise<void>,
): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/collector/src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `collector did not finish in ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    let matched = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (matched || !until?.test(stdout)) return;
      matched = true;
      (beforeStop ? beforeStop(stdout) : Promise.resolve())
        .catch((err: unknown) => (stderr += `beforeStop: ${(err as Error).message}`))
        .finally(() => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

function expectOneSentence(run: Run, pattern: RegExp) {
  expect(run.code).toBe(1);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

/** A throw-away token key: the collector refuses to start without one. */
const KEY = randomBytes(32).toString('hex');

describe('collector process', () => {
  it('connects to both services, reports ready, and stops on SIGTERM', async () => {
    const run = await runCollector(
      {
        MONGODB_URI: db.mongoUri,
        REDIS_URL: db.redisUrl,
        TOKEN_ENCRYPTION_KEY: KEY,
        COLLECTOR_HTTP_PORT: '0',
        LOG_LEVEL: 'info',
        QUEUE_PREFIX: db.prefix,
      },
      /collector ready/,
    );
    const ready = run.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'collector ready');
    expect(ready).toMatchObject({
      level: 'info',
      service: 'collector',
      database: db.dbName,
      queuePrefix: db.prefix,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('answers /healthz and /metrics while running', async () => {
    let health: { status: number; body: Record<string, unknown> } | undefined;
    let metrics = '';
    const run = await runCollector(
      {
        MONGODB_URI: db.mongoUri,
        REDIS_URL: db.redisUrl,
        TOKEN_ENCRYPTION_KEY: KEY,
        COLLECTOR_HTTP_PORT: '0',
        QUEUE_PREFIX: `${db.prefix}-ops`,
      },
      /collector ready/,
      30_000,
      async (stdout) => {
        const ready = stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { msg: string; opsPort?: number })
          .find((l) => l.msg === 'collector ready');
        const base = `http://127.0.0.1:${ready?.opsPort}`;
        const res = await fetch(`${base}/healthz`);
        health = { status: res.status, body: (await res.json()) as Record<string, unknown> };
        metrics = await (await fetch(`${base}/metrics`)).text();
      },
    );
    expect(run.stderr).toBe('');
    expect(health).toMatchObject({
      status: 200,
      body: { status: 'ok', redis: { ok: true }, store: { ok: true }, scheduler: { ok: true } },
    });
    expect(metrics).toMatch(/^# TYPE reachline_posts_harvested_total counter$/m);
    expect(metrics).toMatch(/^reachline_queue_depth\{queue="harvest",state="waiting"\} 0$/m);
  });

  it.each([
    [
      'a missing MONGODB_URI',
      { REDIS_URL: 'redis://127.0.0.1:6379', TOKEN_ENCRYPTION_KEY: KEY },
      /MONGODB_URI is missing/,
    ],
    [
      'a missing TOKEN_ENCRYPTION_KEY',
      { MONGODB_URI: 'mongodb://127.0.0.1:27017/x', REDIS_URL: 'redis://127.0.0.1:6379' },
      /TOKEN_ENCRYPTION_KEY is missing/,
    ],
    [
      'a malformed REDIS_URL',
      {
        MONGODB_URI: 'mongodb://127.0.0.1:27017/x',
        REDIS_URL: 'localhost:6379',
        TOKEN_ENCRYPTION_KEY: KEY,
      },
      /REDIS_URL is malformed/,
    ],
    [
      'a malformed LOG_LEVEL',
      {
        MONGODB_URI: 'mongodb://127.0.0.1:27017/x',
        REDIS_URL: 'redis://127.0.0.1:6379',
        TOKEN_ENCRYPTION_KEY: KEY,
        LOG_LEVEL: 'loud',
      },
      /LOG_LEVEL/,
    ],
  ])('stops with one sentence on %s', async (_name, env, pattern) => {
    expectOneSentence(await runCollector(env), pattern);
  });

  it('stops with one sentence when MONGODB_URI points at nothing', async () => {
    const run = await runCollector({
      MONGODB_URI: 'mongodb://user:s3cret@127.0.0.1:1/reachline',
      REDIS_URL: db.redisUrl,
      TOKEN_ENCRYPTION_KEY: KEY,
    });
    expectOneSentence(run, /Cannot reach MongoDB at 127\.0\.0\.1:1 .*check MONGODB_URI/);
    expect(run.stderr).not.toContain('s3cret');
  });

  it('stops with one sentence when REDIS_URL points at nothing', async () => {
    const run = await runCollector({
      MONGODB_URI: db.mongoUri,
      REDIS_URL: 'redis://127.0.0.1:1',
      TOKEN_ENCRYPTION_KEY: KEY,
    });
    expectOneSentence(run, /Cannot reach Redis at 127\.0\.0\.1:1 .*check REDIS_URL/);
  });
});
