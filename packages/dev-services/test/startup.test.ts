// Failure paths of startRedis/startMongo and the external-service checks, against real sockets.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  INSTALL_REDIS,
  NO_MONGO,
  ServiceError,
  findRepoRoot,
  pingMongo,
  startMongo,
  startRedis,
} from '../src/index';

const quiet = () => undefined;
const tmpRoots: string[] = [];

afterAll(() => {
  for (const dir of tmpRoots) rmSync(dir, { recursive: true, force: true });
});

describe('external services', () => {
  it('an unreachable REDIS_URL fails in one sentence naming the host', async () => {
    const err = await startRedis({ env: { REDIS_URL: 'redis://:hunter2@127.0.0.1:1' } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ServiceError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^Redis at 127\.0\.0\.1:1 \(REDIS_URL\) did not answer PING: .+\.$/);
    expect(msg).not.toContain('hunter2');
    expect(msg).not.toContain('\n');
  });

  it('a bad REDIS_URL scheme is refused before connecting', async () => {
    await expect(startRedis({ env: { REDIS_URL: 'http://127.0.0.1:6379' } })).rejects.toThrow(
      'REDIS_URL must start with redis:// or rediss://, not http://.',
    );
  });

  it('an unreachable MONGODB_URI fails in one sentence naming the host, not the password', async () => {
    const err = await pingMongo('mongodb://app:s3cr3t@127.0.0.1:1/x', 'MONGODB_URI', 1000).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ServiceError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^MongoDB at 127\.0\.0\.1:1 \(MONGODB_URI\) did not answer: .+\.$/);
    expect(msg).not.toContain('s3cr3t');
    expect(msg).not.toContain('\n');
  });
});

describe('missing binaries', () => {
  it('without redis-server and without apt-get rights it says how to install Redis', async () => {
    await expect(
      startRedis({ useEnv: false, env: { PATH: '' }, installMissing: false }),
    ).rejects.toThrow(new ServiceError(INSTALL_REDIS));
  });

  it('without mongod, FerretDB binary and go it says what to install', async () => {
    const root = mkdtempSync(join(tmpdir(), 'reachline-nogo-'));
    tmpRoots.push(root);
    mkdirSync(join(root, 'tools', 'ferretdb'), { recursive: true });
    for (const f of ['main.go', 'go.mod', 'go.sum']) {
      copyFileSync(
        join(findRepoRoot(), 'tools', 'ferretdb', f),
        join(root, 'tools', 'ferretdb', f),
      );
    }
    const err = await startMongo({ useEnv: false, env: { PATH: '' }, rootDir: root, log: quiet })
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as Error).message).toBe(`${NO_MONGO}.`);
  });
});
