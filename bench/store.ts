/**
 * The embedded store (FerretDB 1.24.2, SQLite handler) as released ("stock") and as tools/ferretdb
 * builds it ("patched": the changes of tools/ferretdb/patches.json, run with main.go's logger and
 * SQLite settings), side by side, at 10,000 and 100,000 documents of about 300 bytes in one
 * collection:
 *
 *   npx tsx bench/store.ts [--sizes 10000,100000] [--variants stock,patched] [--hang-timeout 30]
 *                          [--stream-ops 10000] [--postgresql-url postgres://user@127.0.0.1:5432/db]
 *
 * Both binaries are built when missing (the same code as the tests, packages/dev-services) and
 * started on free ports with their own data directories, removed at the end. For each size the
 * collection is grown to that size, then each operation is timed a few times (fewer when one call
 * is slow: the stock binary scans the table for every `_id` lookup) and the median is printed
 * with the number of calls, e.g. "3.1 ms (5×)".
 * Last, one bulkWrite of 150 updateOne: the stock binary never answers an update command of more
 * than 100 statements, so after --hang-timeout seconds it is reported as "did not answer within
 * N s", and that server is restarted on the same data to go on with the next size.
 *
 * Then, for the patched binary only (the stock one scans the table for every update), a sustained
 * stream at each size: --stream-ops (default 10,000) updateOne by `_id` ($set of two fields on
 * rows spread over the collection) in bulkWrites of 50, then as many new documents by insertMany
 * of 50, each as wall-clock ms and the server's CPU ms (user + system, from /proc) per document,
 * and the size of the SQLite write-ahead log after the updates. A write path's cost on this store
 * is its number of updated documents times the first figure plus inserted documents times the
 * second.
 *
 * With --postgresql-url both run FerretDB's PostgreSQL handler on that database instead.
 *
 * Prints a markdown table per size. A measurement, not a test: run it on a quiet machine.
 */
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import {
  findRepoRoot,
  startFerretdb,
  type FerretdbProcess,
  type FerretdbVariant,
} from '@reachline/dev-services';
import { BSON, MongoClient, type AnyBulkWriteOperation, type Collection } from 'mongodb';

import { cpuSeconds } from './lib/procStat';

interface Doc {
  _id: string;
  postId: string;
  platform: string;
  metric: string;
  value: number;
  at: Date;
  note: string;
}

const POSTS = 300; // distinct postId values: find({postId}) returns 1/300 of the rows
// Pads a document to 300 bytes of BSON (Thai text is 3 bytes a character in UTF-8).
const NOTE = `${'ข้อมูลทดสอบ '.repeat(4)}${'x'.repeat(20)}`;

const root = findRepoRoot();
let postgresqlUrl: string | undefined;

function docOf(i: number, prefix = 'r'): Doc {
  return {
    _id: `${prefix}${String(i).padStart(8, '0')}`,
    postId: `post-${String(i % POSTS).padStart(4, '0')}`,
    platform: 'facebook',
    metric: 'post_total_media_view_unique',
    value: i,
    at: new Date(Date.UTC(2021, 0, 1) + i * 60_000),
    note: NOTE,
  };
}

class Timeout extends Error {}

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Timeout()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

interface Store {
  variant: FerretdbVariant;
  dataDir: string;
  proc: FerretdbProcess;
  client: MongoClient;
  coll: Collection<Doc>;
  size: number;
  extra: number; // counter for new _ids
}

async function connect(
  uri: string,
  variant: FerretdbVariant,
): Promise<{ client: MongoClient; coll: Collection<Doc> }> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, maxPoolSize: 20 });
  await client.connect();
  // One database per variant: with PostgreSQL both servers share one PostgreSQL database.
  return { client, coll: client.db(`bench_store_${variant}`).collection<Doc>('snapshots') };
}

function start(variant: FerretdbVariant, dataDir: string, log: (line: string) => void) {
  return startFerretdb({
    root,
    variant,
    dataDir,
    log,
    ...(postgresqlUrl ? { handler: 'postgresql' as const, postgresqlUrl } : {}),
  });
}

async function startStore(variant: FerretdbVariant, dataDir: string): Promise<Store> {
  const proc = await start(variant, dataDir, (l) => console.error(l));
  const { client, coll } = await connect(proc.uri, variant);
  await coll.db.dropDatabase(); // left over by an interrupted run (PostgreSQL keeps it)
  return { variant, dataDir, proc, client, coll, size: 0, extra: 0 };
}

async function restart(s: Store): Promise<void> {
  await s.client.close(true).catch(() => undefined);
  await s.proc.stop();
  s.proc = await start(s.variant, s.dataDir, () => undefined);
  const { client, coll } = await connect(s.proc.uri, s.variant);
  s.client = client;
  s.coll = coll;
}

async function grow(s: Store, size: number): Promise<number> {
  const t0 = performance.now();
  for (let i = s.size; i < size; i += 1000) {
    const end = Math.min(size, i + 1000);
    await s.coll.insertMany(
      Array.from({ length: end - i }, (_, k) => docOf(i + k)),
      { ordered: false },
    );
  }
  s.size = size;
  return performance.now() - t0;
}

/** A late row: one of the last 1% inserted (the stock binary scans up to it). */
function lateId(s: Store, k: number): string {
  return docOf(s.size - 1 - ((k * 37) % Math.max(1, Math.floor(s.size / 100))))._id;
}

interface Figure {
  ms?: number;
  calls: number;
  timedOutAfter?: number;
}

/**
 * Median time of `fn(k)` over up to `reps` calls, stopping early once `budgetMs` is spent (at least
 * one call); a call taking longer than `timeoutMs` ends the measurement as a timeout.
 */
async function measure(
  fn: (k: number) => Promise<unknown>,
  reps: number,
  budgetMs: number,
  timeoutMs: number,
): Promise<Figure> {
  const times: number[] = [];
  const started = performance.now();
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    try {
      await within(timeoutMs, fn(k));
    } catch (err) {
      if (err instanceof Timeout) return { calls: k + 1, timedOutAfter: timeoutMs };
      throw err;
    }
    times.push(performance.now() - t0);
    if (performance.now() - started > budgetMs) break;
  }
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  const median = times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { ms: median, calls: times.length };
}

function fmtMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString('en-US')} ms`;
}

function fmt(f: Figure | undefined): string {
  if (!f) return '–';
  if (f.timedOutAfter !== undefined)
    return `did not answer within ${Math.round(f.timedOutAfter / 1000)} s`;
  return `${fmtMs(f.ms ?? NaN)} (${f.calls}×)`;
}

const OPS = [
  'findOne({_id}), late row',
  'updateOne({_id}, $set, upsert), late row',
  'updateOne({_id}, $set, upsert), new _id',
  'insertMany 50 new documents',
  'bulkWrite of 50 updateOne-by-_id upserts (late rows)',
  'find({postId}) (indexed field, 1/300 of the rows)',
  'bulkWrite of 150 updateOne by _id (one update command of 150 statements)',
] as const;
type Op = (typeof OPS)[number];

interface Spec {
  op: Op;
  run: (c: Collection<Doc>, k: number) => Promise<unknown>;
  reps: number;
  budgetMs: number;
  /** Timeout of one call, from the figures measured so far. */
  timeoutMs: (so: Map<Op, Figure>) => number;
}

const bulk = (ids: string[], update: object, upsert: boolean): AnyBulkWriteOperation<Doc>[] =>
  ids.map((_id) => ({ updateOne: { filter: { _id }, update, upsert } }));

function specs(s: Store, hangTimeoutMs: number): Spec[] {
  const minute = () => 60_000;
  return [
    {
      op: OPS[0],
      run: (c, k) => c.findOne({ _id: lateId(s, k) }),
      reps: 5,
      budgetMs: 5_000,
      timeoutMs: minute,
    },
    {
      op: OPS[1],
      run: (c, k) => c.updateOne({ _id: lateId(s, k) }, { $set: { value: -k } }, { upsert: true }),
      reps: 5,
      budgetMs: 5_000,
      timeoutMs: minute,
    },
    {
      op: OPS[2],
      run: (c) =>
        c.updateOne(
          { _id: `u${s.variant}${s.extra++}` },
          { $set: { value: 1, postId: 'post-new', note: NOTE } },
          { upsert: true },
        ),
      reps: 5,
      budgetMs: 5_000,
      timeoutMs: minute,
    },
    {
      op: OPS[3],
      run: (c) =>
        c.insertMany(
          Array.from({ length: 50 }, () => docOf(s.extra++, `n${s.variant}`)),
          { ordered: false },
        ),
      reps: 5,
      budgetMs: 5_000,
      timeoutMs: minute,
    },
    {
      op: OPS[4],
      run: (c, k) =>
        c.bulkWrite(
          bulk(
            Array.from({ length: 50 }, (_, i) => lateId(s, k * 50 + i)),
            { $set: { value: k } },
            true,
          ),
        ),
      reps: 3,
      budgetMs: 15_000,
      // 50 statements: allow three times 50 single upserts (the stock SQLite binary scans for
      // each), at least the hang timeout.
      timeoutMs: (so) => Math.max(hangTimeoutMs, 150 * (so.get(OPS[1])?.ms ?? 1000)),
    },
    {
      op: OPS[5],
      run: (c, k) => c.find({ postId: docOf(k * 7).postId }).toArray(),
      reps: 3,
      budgetMs: 10_000,
      timeoutMs: () => 120_000,
    },
    {
      op: OPS[6],
      run: (c) =>
        c.bulkWrite(
          bulk(
            Array.from({ length: 150 }, (_, i) => docOf(i * 13)._id),
            { $inc: { value: 1 } },
            false,
          ),
        ),
      reps: 1,
      budgetMs: 0,
      timeoutMs: () => hangTimeoutMs,
    },
  ];
}

async function measureAll(s: Store, hangTimeoutMs: number): Promise<Map<Op, Figure>> {
  const out = new Map<Op, Figure>();
  await s.coll.findOne({ _id: lateId(s, 0) }); // warm-up
  for (const spec of specs(s, hangTimeoutMs)) {
    const f = await measure(
      (k) => spec.run(s.coll, k),
      spec.reps,
      spec.budgetMs,
      spec.timeoutMs(out),
    );
    out.set(spec.op, f);
    if (f.timedOutAfter !== undefined) {
      // The command may never end (the stock binary's update hang): start over on the same data.
      console.error(`[bench] ${s.variant}: ${spec.op} did not answer; restarting the server`);
      await restart(s);
    }
  }
  return out;
}

interface PerDoc {
  wallMs: number;
  cpuMs: number;
}

async function perDoc(pid: number, docs: number, fn: () => Promise<void>): Promise<PerDoc> {
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  await fn();
  const wallMs = performance.now() - t0;
  return { wallMs: wallMs / docs, cpuMs: ((cpuSeconds(pid) - cpu0) * 1000) / docs };
}

/** The sustained stream: `ops` updates by _id spread over the collection, then `ops` inserts. */
async function stream(
  s: Store,
  ops: number,
): Promise<{ update: PerDoc; insert: PerDoc; walBytes: number }> {
  const update = await perDoc(s.proc.pid, ops, async () => {
    for (let i = 0; i < ops; i += 50) {
      await s.coll.bulkWrite(
        Array.from({ length: 50 }, (_, k) => ({
          updateOne: {
            filter: { _id: docOf(Math.floor(((i + k) * s.size) / ops) % s.size)._id },
            update: { $set: { value: -(i + k), at: new Date() } },
          },
        })),
        { ordered: true },
      );
    }
  });
  let walBytes = NaN;
  try {
    const db = join(s.dataDir, 'data', `bench_store_${s.variant}.sqlite-wal`);
    walBytes = statSync(db).size;
  } catch {
    // no log file (another handler)
  }
  const insert = await perDoc(s.proc.pid, ops, async () => {
    for (let i = 0; i < ops; i += 50) {
      await s.coll.insertMany(
        Array.from({ length: 50 }, () => docOf(s.extra++, `s${s.variant}`)),
        { ordered: false },
      );
    }
  });
  return { update, insert, walBytes };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10000,100000' },
      variants: { type: 'string', default: 'stock,patched' },
      'hang-timeout': { type: 'string', default: '30' },
      'postgresql-url': { type: 'string' },
      'stream-ops': { type: 'string', default: '10000' },
    },
  });
  const streamOps = Number(values['stream-ops']);
  const sizes = values.sizes.split(',').map(Number);
  const variants = values.variants.split(',') as FerretdbVariant[];
  const hangTimeoutMs = Number(values['hang-timeout']) * 1000;
  postgresqlUrl = values['postgresql-url'];
  if (
    sizes.some((n) => !Number.isInteger(n) || n < 1000) ||
    variants.some((v) => v !== 'stock' && v !== 'patched') ||
    !(hangTimeoutMs > 0) ||
    !(Number.isInteger(streamOps) && streamOps >= 0 && streamOps % 50 === 0)
  ) {
    console.error(
      'bench/store: --sizes are integers >= 1000, --variants stock and/or patched, --hang-timeout seconds > 0, --stream-ops a multiple of 50 (0 to skip).',
    );
    process.exit(2);
  }
  const sample = BSON.calculateObjectSize(docOf(12345));
  const base = join(root, '.data', 'bench-store', `r${process.pid}`);
  mkdirSync(base, { recursive: true });
  const stores: Store[] = [];
  try {
    for (const v of variants) stores.push(await startStore(v, join(base, v)));
    const info = await stores[0]!.client.db('admin').command({ buildInfo: 1 });
    const gomod = readFileSync(join(root, 'tools', 'ferretdb', 'go.mod'), 'utf8');
    const version = /FerretDB\/FerretDB (v\S+)/.exec(gomod)?.[1] ?? '?';
    console.log(
      `FerretDB ${version} (answers as MongoDB ${String(info.version)}), ${postgresqlUrl ? 'PostgreSQL' : 'SQLite'} handler; ${cpus().length} × ${cpus()[0]?.model ?? '?'}; Node ${process.version}; documents of ${sample} bytes (BSON).`,
    );
    for (const s of stores) await s.coll.createIndex({ postId: 1 });
    for (const size of sizes) {
      const results = new Map<FerretdbVariant, Map<Op, Figure>>();
      const loads = new Map<FerretdbVariant, number>();
      for (const s of stores) {
        console.error(
          `[bench] ${s.variant}: growing to ${size.toLocaleString('en-US')} documents…`,
        );
        loads.set(s.variant, await grow(s, size));
        console.error(`[bench] ${s.variant}: measuring at ${size.toLocaleString('en-US')}…`);
        results.set(s.variant, await measureAll(s, hangTimeoutMs));
      }
      console.log(`\n${size.toLocaleString('en-US')} documents\n`);
      console.log(`| operation | ${variants.join(' | ')} |`);
      console.log(`| --- | ${variants.map(() => '---:').join(' | ')} |`);
      for (const op of OPS)
        console.log(`| ${op} | ${variants.map((v) => fmt(results.get(v)?.get(op))).join(' | ')} |`);
      const patched = stores.find((st) => st.variant === 'patched');
      if (patched && streamOps > 0 && !postgresqlUrl) {
        console.error(
          `[bench] patched: ${streamOps.toLocaleString('en-US')} updates, then inserts…`,
        );
        const st = await stream(patched, streamOps);
        console.log(
          `\nSustained, patched binary, ${streamOps.toLocaleString('en-US')} documents each, 50 to a command, one command at a time:\n`,
        );
        console.log('| write | wall ms per document | store CPU ms per document |');
        console.log('| --- | ---: | ---: |');
        console.log(
          `| updateOne by _id ($set of 2 fields) | ${st.update.wallMs.toFixed(3)} | ${st.update.cpuMs.toFixed(3)} |`,
        );
        console.log(
          `| insertMany (new documents) | ${st.insert.wallMs.toFixed(3)} | ${st.insert.cpuMs.toFixed(3)} |`,
        );
        console.log(
          `\n(write-ahead log after the updates: ${(st.walBytes / 1024 / 1024).toFixed(1)} MB)`,
        );
      }
      console.log(
        `\n(growing the collection to that size with insertMany of 1,000: ${variants
          .map((v) => `${v} ${((loads.get(v) ?? NaN) / 1000).toFixed(1)} s`)
          .join(', ')})`,
      );
    }
  } finally {
    for (const s of stores) {
      // With PostgreSQL the data is not in the run directory: drop it.
      await within(30_000, s.coll.db.dropDatabase()).catch(() => undefined);
      await s.client.close(true).catch(() => undefined);
      await s.proc.stop();
    }
    rmSync(base, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench/store: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
