// Building the embedded FerretDB in tools/ferretdb: the one implementation of "patch + build"
// used by ensureFerretdb (tests, demo, services), tools/ferretdb/build.ts (.ci/run) and the
// store benchmark.
//
// The patched variant (the default) takes the exact FerretDB module that tools/ferretdb/go.mod
// requires from the Go module cache/proxy (`go mod download`), copies it to .data/build/, applies
// the text replacements of tools/ferretdb/patches.json (each must match exactly once, else the
// build stops with one sentence naming the file and the text), and builds tools/ferretdb with a
// temporary modfile whose `replace` points at that copy. The stock variant builds tools/ferretdb
// as it is, for comparisons only.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';

import { ServiceError, reason } from './errors';
import { defaultLog, type Log } from './logs';
import { which } from './proc';

export const NO_MONGO =
  'no MongoDB available: set MONGODB_URI, put mongod on PATH, or install Go 1.24+ (https://go.dev/dl/) so the embedded FerretDB in tools/ferretdb can be built';

/** `patched`: FerretDB with tools/ferretdb/patches.json applied (always used); `stock`: as released. */
export type FerretdbVariant = 'patched' | 'stock';

/** One exact text replacement in a file of the FerretDB module. */
export interface FerretdbPatch {
  id: string;
  /** Path inside the module, e.g. internal/handler/msg_update.go. */
  file: string;
  /** Lines of the upstream text (joined with "\n"); must occur exactly once in the file. */
  find: string[];
  /** Lines that take its place. */
  replace: string[];
  why: string;
}

export interface FerretdbPatches {
  module: string;
  patches: FerretdbPatch[];
}

const SOURCES = ['main.go', 'go.mod', 'go.sum'];
const PATCHES_FILE = 'patches.json';

function toolDir(root: string): string {
  return join(root, 'tools', 'ferretdb');
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

/** Reads and checks tools/ferretdb/patches.json. */
export function readFerretdbPatches(root: string): FerretdbPatches {
  const path = join(toolDir(root), PATCHES_FILE);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ServiceError(`cannot read tools/ferretdb/${PATCHES_FILE}: ${reason(err)}.`);
  }
  const d = data as Partial<FerretdbPatches> | null;
  if (!d || typeof d.module !== 'string' || !Array.isArray(d.patches))
    throw new ServiceError(
      `tools/ferretdb/${PATCHES_FILE} must be an object with "module" (string) and "patches" (array).`,
    );
  d.patches.forEach((p: Partial<FerretdbPatch> | null, i) => {
    if (
      !p ||
      typeof p.id !== 'string' ||
      typeof p.file !== 'string' ||
      typeof p.why !== 'string' ||
      !isStringArray(p.find) ||
      !isStringArray(p.replace) ||
      p.find.join('') === ''
    )
      throw new ServiceError(
        `tools/ferretdb/${PATCHES_FILE}: patch ${i + 1} needs "id", "file", "why" (strings) and non-empty "find" and "replace" (arrays of lines).`,
      );
  });
  return { module: d.module, patches: d.patches };
}

/** The version of `module` that tools/ferretdb/go.mod requires. */
export function requiredModuleVersion(root: string, module: string): string {
  const gomod = readFileSync(join(toolDir(root), 'go.mod'), 'utf8');
  const escaped = module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(gomod);
  if (!m?.[1]) throw new ServiceError(`tools/ferretdb/go.mod does not require ${module}.`);
  return m[1];
}

/**
 * Where the binary of the current sources lives: .data/bin/ferretdb-<hash> for the patched
 * variant (the hash covers main.go, go.mod, go.sum and patches.json, so editing a patch rebuilds
 * it), .data/bin/ferretdb-stock-<hash of main.go, go.mod, go.sum> for the stock one.
 */
export function ferretdbBinaryPath(root: string, variant: FerretdbVariant = 'patched'): string {
  const hash = createHash('sha256');
  const files = variant === 'patched' ? [...SOURCES, PATCHES_FILE] : SOURCES;
  for (const f of files) {
    const path = join(toolDir(root), f);
    // A missing file gets a key too; the build then says what is wrong.
    hash
      .update(f)
      .update('\0')
      .update(existsSync(path) ? readFileSync(path) : '\0missing')
      .update('\0');
  }
  const name = variant === 'patched' ? 'ferretdb' : 'ferretdb-stock';
  return join(root, '.data', 'bin', `${name}-${hash.digest('hex').slice(0, 16)}`);
}

function countOccurrences(text: string, part: string): number {
  let n = 0;
  for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + part.length)) n++;
  return n;
}

/**
 * Applies the patches to a writable copy of the module in `dir`; `label` (module@version) names
 * it in the errors. Throws a one-sentence ServiceError when a file is missing or its text does
 * not occur exactly once, so that a new upstream version cannot silently drop a fix.
 */
export function applyFerretdbPatches(dir: string, patches: FerretdbPatch[], label: string): void {
  for (const p of patches) {
    const path = join(dir, p.file);
    if (!existsSync(path))
      throw new ServiceError(
        `FerretDB patch ${p.id} does not apply: ${label} has no file ${p.file}.`,
      );
    const text = readFileSync(path, 'utf8');
    const find = p.find.join('\n');
    const count = countOccurrences(text, find);
    if (count !== 1)
      throw new ServiceError(
        count === 0
          ? `FerretDB patch ${p.id} does not apply: ${p.file} in ${label} does not contain ${JSON.stringify(find)}.`
          : `FerretDB patch ${p.id} is ambiguous: ${p.file} in ${label} contains ${JSON.stringify(find)} ${count} times.`,
      );
    writeFileSync(
      path,
      text.replace(find, () => p.replace.join('\n')),
    );
  }
}

/** Makes a copy of a module from the Go module cache (read-only files) writable. */
function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(path);
    else if (entry.isFile()) chmodSync(path, statSync(path).mode | 0o200);
  }
}

function runGo(
  go: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  what: string,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(go, args, {
      cwd,
      env: { ...env, CGO_ENABLED: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child.once('error', (err) => reject(new ServiceError(`cannot run ${what}: ${reason(err)}.`)));
    child.once('exit', (code) => {
      if (code === 0) return resolve(stdout);
      const lastErr = /"Error":\s*"([^"]*)"/.exec(stdout)?.[1];
      const last = lastErr ?? stderr.trim().split('\n').at(-1) ?? 'no output';
      reject(new ServiceError(`${what} failed with exit code ${code} (${last}).`));
    });
  });
}

/** Directory of `module@version` in the Go module cache, downloading it through the proxy. */
async function moduleDir(
  go: string,
  root: string,
  module: string,
  version: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const what = `go mod download ${module}@${version}`;
  const out = await runGo(
    go,
    ['mod', 'download', '-json', `${module}@${version}`],
    toolDir(root),
    env,
    what,
  );
  let info: { Dir?: unknown; Sum?: unknown } = {};
  try {
    info = JSON.parse(out) as typeof info;
  } catch {
    // handled below
  }
  const dir = info.Dir;
  if (typeof dir !== 'string' || !existsSync(dir))
    throw new ServiceError(`${what} did not name the module's directory.`);
  // The source we patch must be the release that go.sum pins.
  const gosum = readFileSync(join(toolDir(root), 'go.sum'), 'utf8');
  const pinned = gosum
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[0] === module && f[1] === version)?.[2];
  if (!pinned || pinned !== info.Sum)
    throw new ServiceError(
      `${what} gave hash ${String(info.Sum)} but tools/ferretdb/go.sum pins ${pinned ?? 'none'}.`,
    );
  return dir;
}

export interface BuildFerretdbOptions {
  variant?: FerretdbVariant;
  /** Output path; default ferretdbBinaryPath(root, variant). */
  out?: string;
  log?: Log;
  env?: NodeJS.ProcessEnv;
}

/** Builds the binary (always; see ensureFerretdbBinary for the cached path). Returns its path. */
export async function buildFerretdb(
  root: string,
  opts: BuildFerretdbOptions = {},
): Promise<string> {
  const variant = opts.variant ?? 'patched';
  const log = opts.log ?? defaultLog;
  const env = opts.env ?? process.env;
  const bin = opts.out ?? ferretdbBinaryPath(root, variant);
  const go = which('go', env);
  if (!go) throw new ServiceError(`${NO_MONGO}.`);
  const tag = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const tmp = `${bin}.tmp-${tag}`;
  const buildDir = join(root, '.data', 'build', `ferretdb-${variant}-${tag}`);
  mkdirSync(join(bin, '..'), { recursive: true });
  const started = Date.now();
  try {
    const args = ['build', '-trimpath', '-o', tmp];
    if (variant === 'patched') {
      const { module, patches } = readFerretdbPatches(root);
      const version = requiredModuleVersion(root, module);
      const label = `${module}@${version}`;
      log(
        `building embedded FerretDB (${label} with ${patches.length} patches from tools/ferretdb/${PATCHES_FILE}; first run only)…`,
      );
      const src = join(buildDir, 'src');
      cpSync(await moduleDir(go, root, module, version, env), src, { recursive: true });
      makeWritable(src);
      applyFerretdbPatches(src, patches, label);
      // A temporary modfile (with its go.sum beside it) adds the replace directive, so
      // tools/ferretdb/go.mod stays the plain upstream requirement.
      const modfile = join(buildDir, 'build.mod');
      const gomod = readFileSync(join(toolDir(root), 'go.mod'), 'utf8');
      writeFileSync(modfile, `${gomod.trimEnd()}\n\nreplace ${module} => ${src}\n`);
      copyFileSync(join(toolDir(root), 'go.sum'), join(buildDir, 'build.sum'));
      args.push(`-modfile=${modfile}`);
    } else {
      log('building embedded FerretDB, stock variant (no patches)…');
    }
    args.push('.');
    await runGo(go, args, toolDir(root), env, `go build of tools/ferretdb (${variant})`);
    renameSync(tmp, bin);
  } finally {
    rmSync(tmp, { force: true });
    rmSync(buildDir, { recursive: true, force: true });
  }
  log(`built ${relative(root, bin)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return bin;
}

const building = new Map<string, Promise<string>>();

/** The cached binary of `variant`, built when missing (one build per path at a time). */
export function ensureFerretdbBinary(
  root: string,
  opts: Omit<BuildFerretdbOptions, 'out'> = {},
): Promise<string> {
  const bin = ferretdbBinaryPath(root, opts.variant);
  if (existsSync(bin)) return Promise.resolve(bin);
  let p = building.get(bin);
  if (!p) {
    p = buildFerretdb(root, { ...opts, out: bin }).finally(() => building.delete(bin));
    building.set(bin, p);
  }
  return p;
}
