/**
 * `npm run bench [-- name ...]`: runs the benchmarks in bench/ one after another (all of them, or
 * the named ones, e.g. `npm run bench -- sim`) and lets each print its figures. Benchmarks are
 * never part of `npm test`: timing on a shared 2-core machine is a measurement, not a verdict.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';

const benchDir = resolve(import.meta.dirname, '../bench');
const available = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length > 0) {
  process.stderr.write(
    `bench: no benchmark named ${unknown.join(', ')}; available: ${available.join(', ')}\n`,
  );
  process.exit(2);
}

let failed = 0;
for (const name of wanted.length > 0 ? wanted : available) {
  process.stdout.write(`\n== bench/${name}.ts ==\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', resolve(benchDir, `${name}.ts`)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
