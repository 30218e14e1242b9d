/**
 * The collector's command line as a real process (`node --import tsx scripts/collector.ts …`),
 * with exactly `env` (plus PATH and HOME) and `stdin` written then closed.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCollectorCli(
  args: string[],
  env: Record<string, string>,
  stdin = '',
): Promise<CliRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/collector.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(stdin);
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}
