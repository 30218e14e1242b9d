/**
 * Builds the embedded FerretDB (when not cached yet) and prints the binary's path on stdout:
 *
 *   node --import tsx tools/ferretdb/build.ts [--stock]
 *
 * The work is done by @reachline/dev-services (packages/dev-services/src/ferretdbBuild.ts), the
 * same code that builds it on first use for the tests, so .ci/run and the tests share the cached
 * binary .data/bin/ferretdb-<hash>. `--stock` builds FerretDB without the patches of
 * tools/ferretdb/patches.json (for bench/store.ts only). FERRETDB_BIN is ignored here.
 */
import { ensureFerretdb, findRepoRoot, isServiceError } from '@reachline/dev-services';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--stock');
if (unknown.length > 0) {
  process.stderr.write(`tools/ferretdb/build.ts: unknown argument ${unknown.join(' ')}.\n`);
  process.exit(2);
}
const env = { ...process.env };
delete env.FERRETDB_BIN;
try {
  const root = findRepoRoot();
  const bin = await ensureFerretdb(
    root,
    (line) => process.stderr.write(`${line}\n`),
    env,
    args.includes('--stock') ? 'stock' : 'patched',
  );
  process.stdout.write(`${bin}\n`);
} catch (err) {
  process.stderr.write(`${isServiceError(err) ? err.message : String(err)}\n`);
  process.exit(1);
}
