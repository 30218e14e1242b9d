/**
 * Backup and restore (issue 10 item 7, docs/BACKUP.md): FY2564 harvested by the real collector,
 * plus a collection the models do not know with every awkward BSON type, is backed up by
 * `npm run collector -- backup` (a real process, the collector's queues paused while it reads),
 * restored by `restore` into a fresh database, and compared collection by collection, document
 * by document, index by index. A restore into a non-empty store and a damaged file (cut short,
 * a bad line, a line without `_id`, a changed line) are refused naming the line and the field,
 * and the store is read back unchanged.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createModels, ensureIndexes } from '@reachline/shared/models';
import {
  BackupFileError,
  checkBackupFile,
  restoreStore,
  RestoreRefusedError,
} from '@reachline/shared/store';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCOVERY_QUEUE, HARVEST_QUEUE } from '../../apps/collector/src/pipeline/pipeline';
import { harvestFy2564 } from '../helpers/harvestedYear';
import { runCollectorCli } from '../helpers/cli';
import { useTestDatabase } from '../helpers/services';

const { EJSON, Binary, Decimal128, Double, Int32, Long, ObjectId } = mongoose.mongo.BSON;

const source = useTestDatabase();
const target = useTestDatabase({ name: 'backup_target' });
const spare = useTestDatabase({ name: 'backup_spare' });

const cli = (args: string[], env: Record<string, string>) => runCollectorCli(args, env);

/** Every collection of a database: its documents (EJSON, by _id) and its indexes. */
async function contentsOf(conn: Connection) {
  const db = conn.db!;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((n) => !n.startsWith('system.'))
    .sort();
  const out: Record<string, { docs: unknown[]; indexes: unknown[] }> = {};
  for (const name of names) {
    const docs = await db
      .collection(name)
      .find({}, { promoteValues: false, promoteLongs: false })
      .toArray();
    const serialized = docs
      .map((d) => EJSON.serialize(d, { relaxed: false }))
      .sort((a, b) => (JSON.stringify(a._id) < JSON.stringify(b._id) ? -1 : 1));
    const specs = (await db.collection(name).listIndexes().toArray()) as {
      name: string;
      key: Record<string, unknown>;
      unique?: boolean;
    }[];
    const indexes = specs
      .map((ix) => ({ name: ix.name, key: ix.key, unique: ix.unique === true }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    out[name] = { docs: serialized, indexes };
  }
  return out;
}

let dir: string;
let file: string;
let before: Awaited<ReturnType<typeof contentsOf>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reachline-backup-'));
  file = join(dir, 'fy2564.ndjson.gz');
  const collector = await harvestFy2564(source);
  await collector.close();
  // A collection no model knows, with the BSON types a JSON copy would lose, and an empty one.
  const db = source.connection.db!;
  await db.collection<{ _id: unknown; [field: string]: unknown }>('custom_notes').insertMany([
    {
      _id: new ObjectId(),
      long: Long.fromString('9007199254740993'),
      // FerretDB 1.24 has no Decimal128 (it drops the connection): only on MongoDB.
      ...(source.mongoKind === 'ferretdb' ? {} : { decimal: Decimal128.fromString('3000.10') }),
      double: new Double(5),
      int: new Int32(7),
      binary: new Binary(Buffer.from([0, 1, 2, 254, 255])),
      at: new Date('2021-06-30T16:00:00Z'),
      nested: { list: [new Double(1.5), 'ข้อความ', null] },
    },
    { _id: 'string-id', note: 'an _id that is a string' },
  ]);
  await db.createCollection('empty_things');
  await db.collection('empty_things').createIndex({ ref: 1 }, { name: 'ref_1', unique: true });
  before = await contentsOf(source.connection);
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backup and restore of FY2564', () => {
  it('backs up with the CLI, the queues paused while it reads and left as they were', async () => {
    const redis = new Redis(source.redisUrl, { maxRetriesPerRequest: null });
    const harvest = new Queue(HARVEST_QUEUE, { connection: redis, prefix: source.prefix });
    const discovery = new Queue(DISCOVERY_QUEUE, { connection: redis, prefix: source.prefix });
    try {
      await harvest.pause(); // an operator had paused harvests: the backup must not resume them
      const run = await cli(['backup', '--out', file], {
        MONGODB_URI: source.mongoUri,
        REDIS_URL: source.redisUrl,
        QUEUE_PREFIX: source.prefix,
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^backup written to .*fy2564\.ndjson\.gz: \d+ document\(s\) in/);
      expect(await harvest.isPaused()).toBe(true);
      expect(await discovery.isPaused()).toBe(false);
    } finally {
      await harvest.close();
      await discovery.close();
      redis.disconnect();
    }

    const { header, trailer } = await checkBackupFile(file);
    expect(header.database).toBe(source.dbName);
    expect(header.writers.paused).toBe(true);
    expect(header.collections.map((c) => c.name)).toEqual(Object.keys(before));
    for (const [name, { docs }] of Object.entries(before)) {
      expect(trailer.counts[name], name).toBe(docs.length);
    }
    expect(before.posts!.docs.length).toBeGreaterThan(70);
    expect(before.reach_snapshots!.docs.length).toBeGreaterThan(before.posts!.docs.length);
    // The store itself is untouched by the backup.
    expect(await contentsOf(source.connection)).toEqual(before);
  }, 180_000);

  it('waits for a running collector job to finish before it reads', async () => {
    const redis = new Redis(source.redisUrl, { maxRetriesPerRequest: null });
    const discovery = new Queue(DISCOVERY_QUEUE, { connection: redis, prefix: source.prefix });
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const worker = new Worker(
      DISCOVERY_QUEUE,
      async () => {
        started();
        await new Promise((r) => setTimeout(r, 6_000));
      },
      { connection: redis.duplicate(), prefix: source.prefix },
    );
    try {
      const job = await discovery.add('slow', { accountId: 'none' });
      await running;
      const second = join(dir, 'during-a-job.ndjson.gz');
      const run = await cli(['backup', '--out', second], {
        MONGODB_URI: source.mongoUri,
        REDIS_URL: source.redisUrl,
        QUEUE_PREFIX: source.prefix,
      });
      expect(run.code).toBe(0);
      const finishedOn = (await discovery.getJob(job.id!))?.finishedOn;
      expect(finishedOn).toBeTypeOf('number');
      const { header } = await checkBackupFile(second);
      expect(Date.parse(header.createdAt)).toBeGreaterThanOrEqual(finishedOn!);
      expect(await discovery.isPaused()).toBe(false);
    } finally {
      await worker.close();
      await discovery.close();
      redis.disconnect();
    }
  }, 120_000);

  it('restores with the CLI into an empty database: every collection, document and index equal', async () => {
    const run = await cli(['restore', '--in', file], { MONGODB_URI: target.mongoUri });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^restored \d+ document\(s\) in \d+ collection\(s\)/);
    const after = await contentsOf(target.connection);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const name of Object.keys(before)) {
      expect(after[name]!.docs.length, name).toBe(before[name]!.docs.length);
      expect(after[name], name).toEqual(before[name]);
    }
    const note = after.custom_notes!.docs.find(
      (d) => (d as { long?: unknown }).long !== undefined,
    ) as Record<string, unknown>;
    expect(note.long).toEqual({ $numberLong: '9007199254740993' });
    if (source.mongoKind !== 'ferretdb')
      expect(note.decimal).toEqual({ $numberDecimal: '3000.10' });
    expect(note.double).toEqual({ $numberDouble: '5.0' });
  }, 180_000);

  it('refuses to restore into a store that holds documents, naming them, and changes nothing', async () => {
    const snapshot = await contentsOf(target.connection);
    const err = await restoreStore(target.connection, file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestoreRefusedError);
    expect((err as Error).message).toMatch(
      /^the store is not empty \(.*posts.*stories.* hold documents\): restore only into an empty database\.$/,
    );
    expect(await contentsOf(target.connection)).toEqual(snapshot);

    const run = await cli(['restore', '--in', file], { MONGODB_URI: target.mongoUri });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^reachline collector: the store is not empty .*nothing was written\.\n$/,
    );
  }, 120_000);
});

describe('a damaged backup file', () => {
  let lines: string[];
  let empty: Awaited<ReturnType<typeof contentsOf>>;
  beforeAll(async () => {
    lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    // The spare store holds the models' empty collections and indexes, as after a first start.
    await ensureIndexes(createModels(spare.connection));
    empty = await contentsOf(spare.connection);
  });

  const write = (name: string, content: string[] | Buffer) => {
    const f = join(dir, name);
    writeFileSync(f, Buffer.isBuffer(content) ? content : gzipSync(`${content.join('\n')}\n`));
    return f;
  };
  /** A line number (1-based) of a document of `collection`. */
  const lineOf = (collection: string, nth = 0) =>
    lines.map((l, i) => [l, i + 1] as const).filter(([l]) => l.startsWith(`{"c":"${collection}"`))[
      nth
    ]![1];

  async function refused(f: string, message: RegExp) {
    const err = await restoreStore(spare.connection, f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackupFileError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
    expect(await contentsOf(spare.connection)).toEqual(empty);
  }

  it('refuses a file cut short inside its compressed data', async () => {
    const gz = readFileSync(file);
    await refused(
      write('cut.gz', gz.subarray(0, Math.floor(gz.length / 2))),
      /^line \d+: the file ends in the middle of its compressed data: it is truncated\.$/,
    );
  });

  it('refuses a missing file, a file that is not gzip and an empty one', async () => {
    const missing = join(dir, 'missing.gz');
    await refused(missing, /^cannot read .*missing\.gz: no such file\.$/);
    await refused(
      write('plain.ndjson', Buffer.from(`${lines.join('\n')}\n`)),
      /plain\.ndjson is not a Reachline backup: it is not gzip data \(/,
    );
    await refused(write('empty.gz', []), /^line 1: /);
    await refused(
      write('header-only.gz', [lines[0]!]),
      /^line 2: the file ends without its trailer/,
    );
  });

  it('refuses a file that stops at a line end, before its trailer', async () => {
    const kept = lines.slice(0, lines.length - 10);
    await refused(
      write('no-trailer.gz', kept),
      new RegExp(`^line ${kept.length + 1}: the file ends without its trailer line`),
    );
  });

  it('refuses a line that is not JSON, naming it', async () => {
    const n = lineOf('posts', 3);
    const bad = lines.map((l, i) => (i + 1 === n ? l.slice(0, 40) : l));
    await refused(write('bad-json.gz', bad), new RegExp(`^line ${n}: not valid JSON \\(`));
  });

  it('refuses a document without _id, naming the line and the field', async () => {
    const n = lineOf('stories', 2);
    const bad = lines.map((l, i) => {
      if (i + 1 !== n) return l;
      const { c, d } = JSON.parse(l) as { c: string; d: Record<string, unknown> };
      delete d._id;
      return JSON.stringify({ c, d });
    });
    await refused(write('no-id.gz', bad), new RegExp(`^line ${n}: field "d\\._id" is missing\\.$`));
  });

  it('refuses a changed line through the checksum (and a changed count through the counts)', async () => {
    const n = lineOf('posts', 5);
    // Every post line carries a title (the model's default is ''), whatever the harvest reached.
    const edited = lines.map((l, i) => (i + 1 === n ? l.replace('"title":"', '"title":"X') : l));
    expect(edited[n - 1]).not.toBe(lines[n - 1]);
    await refused(
      write('edited.gz', edited),
      new RegExp(`^line ${lines.length}: field "trailer\\.sha256" does not match`),
    );
    const dropped = lines.filter((_l, i) => i + 1 !== n);
    await refused(
      write('dropped.gz', dropped),
      new RegExp(`^line ${lines.length - 1}: field "trailer\\.(lines|counts\\.posts)" is`),
    );
  });

  it('refuses a line naming a collection the header does not list', async () => {
    const n = lineOf('posts', 0);
    const bad = lines.map((l, i) => (i + 1 === n ? l.replace('{"c":"posts"', '{"c":"pots"') : l));
    await refused(
      write('bad-collection.gz', bad),
      new RegExp(`^line ${n}: field "c" names "pots", which the header does not list\\.$`),
    );
  });

  it('makes the CLI exit 2 with that one sentence, and refuse bad flags with its usage', async () => {
    const n = lineOf('posts', 3);
    const f = write(
      'cli-bad.gz',
      lines.map((l, i) => (i + 1 === n ? '{"c":"posts","d":' : l)),
    );
    const run = await cli(['restore', '--in', f], { MONGODB_URI: spare.mongoUri });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `reachline collector: line ${n}: not valid JSON (Unexpected end of JSON input); nothing was written.\n`,
    );
    expect(await contentsOf(spare.connection)).toEqual(empty);

    for (const [args, message] of [
      [['backup'], /required option '--out <file>' not specified/],
      [['restore'], /required option '--in <file>' not specified/],
      [['restore', '--in', f, '--force'], /unknown option '--force'/],
      [['backup', '--out', file], /already exists: choose a new file name/],
      [['restore', '--in', join(dir, 'nope.gz')], /cannot read .*nope\.gz: no such file\./],
    ] as const) {
      const r = await cli([...args], { MONGODB_URI: spare.mongoUri });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);
});
