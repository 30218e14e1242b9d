// Installing a missing system package with apt-get, only when running as root.
import { spawn } from 'node:child_process';

import { ServiceError } from './errors';
import { isRoot, which } from './proc';

let updated: Promise<void> | undefined;

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

/** `apt-get update` (once per process) and `apt-get install -y <pkg>`. */
export async function aptInstall(pkg: string, log: (line: string) => void): Promise<void> {
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
  await run(['install', '-y', '-q', '--no-install-recommends', pkg], log);
}
