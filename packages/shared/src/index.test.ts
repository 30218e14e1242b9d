// The package root must stay browser-safe: walk its import graph and look for server-only modules.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as shared from './index';

const here = dirname(fileURLToPath(import.meta.url));

function importGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), `${specifier}.ts`));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files: [...files], packages: [...packages].sort() };
}

describe('package root (src/index.ts)', () => {
  it('imports nothing but zod: no mongoose, node:crypto, node:fs or process.env', () => {
    const { files, packages } = importGraph(resolve(here, 'index.ts'));
    expect(packages).toEqual(['zod']);
    for (const file of files) expect(readFileSync(file, 'utf8')).not.toMatch(/process\.env/);
  });

  it.each([
    'periodOf',
    'fiscalYearOf',
    'formatThaiDate',
    'quotaStories',
    'tallyByQuarter',
    'nextHarvestAt',
    'cadenceFor',
    'reachMetricOf',
    'decodeEvent',
  ])('exports %s', (name) => {
    expect(typeof (shared as Record<string, unknown>)[name]).toBe('function');
  });
});
