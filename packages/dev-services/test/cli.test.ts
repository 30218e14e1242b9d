// `npm run services` through scripts/bootstrap.mjs, as a developer runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { afterEach, describe, expect, it } from 'vitest';

import { findRepoRoot, portAnswers } from '../src/index';

const root = findRepoRoot();
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function localEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!extra.REDIS_URL) delete env.REDIS_URL;
  if (!extra.MONGODB_URI) delete env.MONGODB_URI;
  return env;
}

function runServices(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [join(root, 'scripts', 'bootstrap.mjs'), 'services'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const urls = new Promise<{ redis: string; mongo: string }>((resolve, reject) => {
    const found: Record<string, string> = {};
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^(REDIS_URL|MONGODB_URI)=(.+)$/.exec(line);
      if (m?.[1] && m[2]) found[m[1]] = m[2];
      if (found.REDIS_URL && found.MONGODB_URI)
        resolve({ redis: found.REDIS_URL, mongo: found.MONGODB_URI });
    });
    void exit.then((code) => reject(new Error(`services exited with ${code}: ${stderr}`)));
  });
  urls.catch(() => undefined); // awaited by the tests that expect URLs
  return { child, exit, urls, stderr: () => stderr };
}

async function waitClosed(ports: number[], timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await Promise.all(ports.map((p) => portAnswers(p, '127.0.0.1', 300)));
    if (!open.some(Boolean)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

const portOf = (url: string) => Number(new URL(url).port);

describe('npm run services', () => {
  it('prints REDIS_URL and MONGODB_URI, and SIGINT stops both services', async () => {
    const run = runServices(localEnv());
    const urls = await run.urls;
    expect(urls.redis).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(urls.mongo).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    const ports = [portOf(urls.redis), portOf(urls.mongo)];
    expect(await portAnswers(ports[0]!)).toBe(true);
    expect(await portAnswers(ports[1]!)).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
    expect(await waitClosed(ports, 3000)).toBe(true);
  });

  it('stops the services when the bootstrap wrapper is killed with SIGKILL', async () => {
    const run = runServices(localEnv());
    const urls = await run.urls;
    const ports = [portOf(urls.redis), portOf(urls.mongo)];
    run.child.kill('SIGKILL');
    expect(await waitClosed(ports)).toBe(true);
  });

  it('a bad REDIS_URL exits 1 with one sentence and no stack trace', async () => {
    const run = runServices(
      localEnv({ REDIS_URL: 'ftp://127.0.0.1:6379', MONGODB_URI: 'mongodb://127.0.0.1:1/' }),
    );
    expect(await run.exit).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines.at(-1)).toBe('REDIS_URL must start with redis:// or rediss://, not ftp://.');
    expect(run.stderr()).not.toMatch(/^\s+at /m);
  });

  it('an unknown command fails in one sentence', async () => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'bootstrap.mjs'), 'nope'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('unknown command nope: scripts/nope.ts does not exist.');
  });
});
