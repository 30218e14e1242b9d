import { readFileSync } from 'node:fs';

/** The last non-empty line of a log file, or '' (for "it died at startup" messages). */
export function lastLogLine(path: string): string {
  try {
    const lines = readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    return lines.at(-1) ?? '';
  } catch {
    return '';
  }
}

export type Log = (line: string) => void;

export const defaultLog: Log = (line) => {
  process.stderr.write(`[services] ${line}\n`);
};
