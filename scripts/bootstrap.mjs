#!/usr/bin/env node
// Entry point of `npm test`, `npm run services`, `npm run demo`, … It runs before node_modules
// exists, so it is plain Node with no dependencies:
//   1. installs dependencies with `npm ci` when node_modules is missing or older than
//      package-lock.json;
//   2. runs the command: `test` -> vitest run, anything else -> scripts/<name>.ts (through tsx,
//      loaded with `node --import tsx` so the script is our direct child and dies with us);
//   3. forwards signals to the command and exits with its exit code (or signal).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command, ...args] = process.argv.slice(2);

function say(line) {
  process.stderr.write(`[bootstrap] ${line}\n`);
}

function fail(sentence) {
  process.stderr.write(`${sentence}\n`);
  process.exit(1);
}

function installReason() {
  const modules = join(root, 'node_modules');
  const marker = join(modules, '.package-lock.json');
  if (!existsSync(modules)) return 'node_modules is missing';
  if (!existsSync(marker)) return 'node_modules/.package-lock.json is missing';
  const lock = join(root, 'package-lock.json');
  if (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs)
    return 'package-lock.json is newer than node_modules';
  return undefined;
}

if (!command) fail('usage: node scripts/bootstrap.mjs <test|services|name-of-a-script> [args…]');

const why = installReason();
if (why) {
  say(`${why}: running npm ci…`);
  const started = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.error) fail(`cannot run npm ci: ${r.error.message}.`);
  if (r.status !== 0) fail(`npm ci failed with exit code ${r.status ?? r.signal}.`);
  say(`npm ci done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

let argv;
if (command === 'test') {
  argv = [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...args];
} else {
  if (!/^[a-z0-9][a-z0-9-]*$/i.test(command)) fail(`unknown command ${JSON.stringify(command)}.`);
  const script = join(root, 'scripts', `${command}.ts`);
  if (!existsSync(script))
    fail(`unknown command ${command}: scripts/${command}.ts does not exist.`);
  if (!existsSync(join(root, 'node_modules', 'tsx')))
    fail('tsx is not installed: run npm ci and try again.');
  argv = ['--import', 'tsx', script, ...args];
}

const child = spawn(process.execPath, argv, { cwd: root, stdio: 'inherit' });

// Ctrl-C in a terminal reaches the whole foreground process group, the command included, so
// SIGINT is forwarded only when we are not attached to a terminal (kill -INT, CI runners).
const forward = (signal) => {
  if (signal === 'SIGINT' && process.stdin.isTTY) return;
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
for (const s of signals) process.on(s, forward);

child.on('error', (err) => fail(`cannot start ${command}: ${err.message}.`));
child.on('exit', (code, signal) => {
  for (const s of signals) process.off(s, forward);
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
