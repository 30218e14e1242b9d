// Installing a missing system package with apt-get, only when running as root.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';

import { ServiceError } from './errors';
import { isRoot, which } from './proc';

let updated: Promise<void> | undefined;
/** apt-get holds dpkg's lock: installs asked for at the same time (Redis, the browser) queue. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * While it exists, Debian's package scripts start no system service (invoke-rc.d asks it), so
 * installing redis-server leaves no system-wide server on port 6379: we start our own.
 */
const POLICY_RC = '/usr/sbin/policy-rc.d';

function withoutServiceStarts<T>(work: () => Promise<T>): Promise<T> {
  if (existsSync(POLICY_RC)) return work();
  writeFileSync(POLICY_RC, '#!/bin/sh\nexit 101\n');
  chmodSync(POLICY_RC, 0o755);
  return work().finally(() => rmSync(POLICY_RC, { force: true }));
}

function run(args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('apt-get', args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last = '';
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        last = line.trim();
        log(`  apt-get: ${last}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new ServiceError(
            `apt-get ${args.filter((a) => !a.startsWith('-')).join(' ')} failed with exit code ${code} (${last || 'no output'}).`,
          ),
        );
    });
  });
}

/** True when we may install system packages: root with apt-get available. */
export function canApt(): boolean {
  return isRoot() && which('apt-get') !== undefined;
}

/**
 * `apt-get update` (once per process) and `apt-get install -y <pkg>`, one install at a time and
 * without starting system services.
 */
export function aptInstall(pkg: string, log: (line: string) => void): Promise<void> {
  const turn = queue.then(() => install(pkg, log));
  queue = turn.catch(() => undefined);
  return turn;
}

async function install(pkg: string, log: (line: string) => void): Promise<void> {
  if (!canApt()) throw new ServiceError(`cannot install ${pkg}: apt-get needs root.`);
  updated ??= (async () => {
    log('apt-get update…');
    await run(['update', '-q'], log);
  })();
  try {
    await updated;
  } catch (err) {
    updated = undefined;
    throw err;
  }
  log(`apt-get install -y ${pkg}…`);
  await withoutServiceStarts(() =>
    run(['install', '-y', '-q', '--no-install-recommends', pkg], log),
  );
}
