/**
 * Backup and restore of the whole store, on MongoDB and the embedded FerretDB alike
 * (`npm run collector -- backup --out FILE` / `restore --in FILE`; docs/BACKUP.md).
 *
 * Format (`reachline-backup` version 1): gzip of NDJSON, one JSON object per line.
 *   line 1       {"header":{format, version, app, createdAt, database, writers, collections}}
 *                collections: [{name, count (at the start), indexes (listIndexes specs)}]
 *   lines 2..n-1 {"c":"<collection>","d":<document as canonical Extended JSON>}
 *   line n       {"trailer":{lines, counts:{<collection>: n}, sha256}}
 * Canonical Extended JSON (the driver's `EJSON`) keeps ObjectId, Date, Long, Int32, Double,
 * Decimal128 and Binary exactly; cursors do not promote BSON values, so a double 5.0 comes back
 * a double. `sha256` is over the bytes of every line before the trailer (each with its "\n"), so
 * a truncated, cut or edited file is detected before anything is written.
 *
 * What is copied: every collection of the models' database (`listCollections`, unknown ones
 * included, `system.*` left out) and each collection's index specs. A restore re-creates the
 * saved indexes one after another and then runs the models' `ensureIndexes`.
 *
 * Reading: one cursor per collection in natural order with a batch size, never a whole collection
 * in memory. Not sorted by `_id`: on the embedded FerretDB every sort happens in its Go process
 * over the whole collection (shared/research/ferretdb.md §4), which for reach_snapshots is the
 * whole table in memory; natural order streams on both stores and a restore needs no order.
 *
 * Consistency: neither store gives this code a snapshot across collections (FerretDB has no
 * transactions or snapshot sessions; a MongoDB snapshot session needs a replica set and ends
 * after 5 minutes). So the caller quiets the writers first: the collector CLI pauses the
 * collector's queues and waits for running jobs before it reads, and resumes them afterwards,
 * even on failure. The header's `writers` says what was paused; the dashboard (editors' changes,
 * sign-ins) is not paused. Each collection is read once, in one cursor.
 *
 * A restore goes into an empty database only (a collection that exists but holds nothing is
 * fine) and validates the whole file first: header, every line's JSON and Extended JSON, a
 * listed collection, `d._id` present and not repeated, the trailer's line count, counts and
 * checksum. Anything wrong is one sentence naming the line and the field, and nothing is written.
 * Then documents go in with `insertMany` (unordered) in batches.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip } from 'node:zlib';
import mongoose, { type Connection } from 'mongoose';
import { createModels, ensureIndexes } from '../models';

const { EJSON } = mongoose.mongo.BSON;
type Db = mongoose.mongo.Db;
type Document = mongoose.mongo.Document;

export const BACKUP_FORMAT = 'reachline-backup';
export const BACKUP_VERSION = 1;

/** Who else might have written while the backup read, as the caller arranged it. */
export interface BackupWriters {
  /** The collector's queues were paused and idle while every collection was read. */
  paused: boolean;
  /** One sentence: what was paused, or why not. */
  note: string;
}

export interface BackupIndexSpec {
  name: string;
  key: Record<string, number | string>;
  [option: string]: unknown;
}

export interface BackupCollection {
  name: string;
  /** Documents when the backup started, estimated (the trailer has the counts written). */
  count: number;
  indexes: BackupIndexSpec[];
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  app: string;
  createdAt: string;
  database: string;
  writers: BackupWriters;
  collections: BackupCollection[];
}

export interface BackupTrailer {
  lines: number;
  counts: Record<string, number>;
  sha256: string;
}

export interface BackupProgress {
  phase: 'read' | 'check' | 'write';
  done: number;
  total: number;
}

export interface BackupOptions {
  /** What wrote the file, e.g. `reachline-collector 0.1.0`. */
  app: string;
  writers: BackupWriters;
  /** Documents per cursor batch (default 1000). */
  batchSize?: number;
  onProgress?: (p: BackupProgress) => void;
}

export interface BackupSummary {
  file: string;
  header: BackupHeader;
  trailer: BackupTrailer;
}

/** A backup file that cannot be restored; the message names the line and the field. */
export class BackupFileError extends Error {
  override name = 'BackupFileError';
}

/** A restore that would mix the backup with data already in the store. */
export class RestoreRefusedError extends Error {
  override name = 'RestoreRefusedError';
}

function dbOf(conn: Connection): Db {
  if (!conn.db) throw new Error('the store connection is not open.');
  return conn.db;
}

const COLLECTION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,119}$/;

/** Collections worth copying: everything but the server's own `system.*`. */
async function collectionNames(db: Db): Promise<string[]> {
  const list = await db.listCollections({}, { nameOnly: true }).toArray();
  return list
    .filter((c) => c.type !== 'view') // a view is a query, not data
    .map((c) => c.name)
    .filter((n) => !n.startsWith('system.'))
    .sort();
}

function indexSpecOf(raw: Document): BackupIndexSpec {
  // `v` and `ns` belong to the server that built the index, not to its definition.
  const { v: _v, ns: _ns, ...spec } = raw;
  return spec as BackupIndexSpec;
}

/** Writes a backup of the whole database behind `conn` to `file` (via `file.partial`). */
export async function backupStore(
  conn: Connection,
  file: string,
  options: BackupOptions,
): Promise<BackupSummary> {
  const db = dbOf(conn);
  const batchSize = options.batchSize ?? 1000;
  const collections: BackupCollection[] = [];
  for (const name of await collectionNames(db)) {
    const coll = db.collection(name);
    const indexes = (await coll.listIndexes().toArray()).map(indexSpecOf);
    // The estimate: on MongoDB from metadata; on FerretDB still a pass, but half a countDocuments.
    collections.push({ name, count: await coll.estimatedDocumentCount(), indexes });
  }
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    app: options.app,
    createdAt: new Date().toISOString(),
    database: db.databaseName,
    writers: options.writers,
    collections,
  };
  const total = collections.reduce((n, c) => n + c.count, 0);
  const hash = createHash('sha256');
  const counts: Record<string, number> = {};
  let lines = 0;
  let done = 0;
  let trailer: BackupTrailer | undefined;
  const line = (text: string) => {
    const l = `${text}\n`;
    hash.update(l);
    lines += 1;
    return l;
  };

  async function* content(): AsyncGenerator<string> {
    yield line(JSON.stringify({ header }));
    for (const { name } of collections) {
      counts[name] = 0;
      const cursor = db.collection(name).find(
        {},
        // Keep every BSON type as stored (no Int32/Long/Double promotion to JS numbers).
        { batchSize, promoteValues: false, promoteLongs: false, bsonRegExp: true },
      );
      let chunk = '';
      let inChunk = 0;
      for await (const doc of cursor) {
        chunk += line(
          `{"c":${JSON.stringify(name)},"d":${EJSON.stringify(doc, { relaxed: false })}}`,
        );
        counts[name] += 1;
        inChunk += 1;
        if (inChunk >= batchSize) {
          yield chunk;
          done += inChunk;
          options.onProgress?.({ phase: 'read', done, total: Math.max(total, done) });
          chunk = '';
          inChunk = 0;
        }
      }
      if (chunk !== '') yield chunk;
      done += inChunk;
      options.onProgress?.({ phase: 'read', done, total: Math.max(total, done) });
    }
    trailer = { lines, counts, sha256: hash.digest('hex') };
    yield `${JSON.stringify({ trailer })}\n`;
  }

  const partial = `${file}.partial`;
  try {
    await pipeline(
      Readable.from(content()),
      createGzip(),
      createWriteStream(partial, { flags: 'wx' }),
    );
    await rename(partial, file);
  } catch (err) {
    await unlink(partial).catch(() => undefined);
    throw err;
  }
  if (!trailer) throw new Error('the backup ended before its trailer was written.');
  return { file, header, trailer };
}

/** The lines of a gzip file, each with its 1-based number; gzip errors become one sentence. */
async function* linesOf(file: string): AsyncGenerator<{ n: number; text: string }> {
  const input = createReadStream(file);
  const stream = createGunzip();
  // pipe() does not forward the source's errors (a missing file would leave the loop waiting).
  input.on('error', (err) => stream.destroy(err));
  input.pipe(stream);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let n = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      rest += decoder.write(chunk);
      let nl = rest.indexOf('\n');
      while (nl >= 0) {
        n += 1;
        yield { n, text: rest.slice(0, nl) };
        rest = rest.slice(nl + 1);
        nl = rest.indexOf('\n');
      }
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new BackupFileError(`cannot read ${file}: no such file.`);
    if (e.code === 'EISDIR') throw new BackupFileError(`cannot read ${file}: it is a folder.`);
    if (e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message))
      throw new BackupFileError(
        `line ${n + 1}: the file ends in the middle of its compressed data: it is truncated.`,
      );
    if (e.code?.startsWith('Z_'))
      throw new BackupFileError(
        `${file} is not a Reachline backup: it is not gzip data (${e.message.replace(/\.$/, '')}).`,
      );
    throw err;
  } finally {
    input.destroy();
    stream.destroy();
  }
  rest += decoder.end();
  if (rest !== '') yield { n: n + 1, text: rest };
}

function refuse(n: number, problem: string): never {
  throw new BackupFileError(`line ${n}: ${problem}.`);
}

function parseLine(n: number, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    refuse(n, `not valid JSON (${(err as Error).message.split('\n')[0]?.replace(/\.$/, '')})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    refuse(n, 'not a JSON object');
  return value as Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkHeader(raw: Record<string, unknown>): BackupHeader {
  const h = raw.header;
  if (!isObject(h)) refuse(1, 'field "header" is missing: this is not a Reachline backup');
  if (h.format !== BACKUP_FORMAT)
    refuse(1, `field "header.format" is ${JSON.stringify(h.format)}, not "${BACKUP_FORMAT}"`);
  if (h.version !== BACKUP_VERSION)
    refuse(
      1,
      `field "header.version" is ${JSON.stringify(h.version)}; this Reachline reads version ${BACKUP_VERSION}`,
    );
  if (!Array.isArray(h.collections)) refuse(1, 'field "header.collections" is not a list');
  const seen = new Set<string>();
  h.collections.forEach((c: unknown, i) => {
    const at = `header.collections[${i}]`;
    if (!isObject(c)) refuse(1, `field "${at}" is not an object`);
    if (typeof c.name !== 'string' || !COLLECTION_NAME.test(c.name) || c.name.startsWith('system.'))
      refuse(1, `field "${at}.name" is not a valid collection name`);
    if (seen.has(c.name)) refuse(1, `field "${at}.name" lists ${c.name} twice`);
    seen.add(c.name);
    if (!Array.isArray(c.indexes)) refuse(1, `field "${at}.indexes" is not a list`);
    c.indexes.forEach((ix: unknown, k) => {
      if (!isObject(ix) || typeof ix.name !== 'string' || !isObject(ix.key))
        refuse(1, `field "${at}.indexes[${k}]" is not an index with a name and a key`);
    });
  });
  return h as unknown as BackupHeader;
}

export interface CheckedBackup {
  header: BackupHeader;
  trailer: BackupTrailer;
}

/**
 * Reads the whole file and checks it, writing nothing; throws `BackupFileError` naming the line
 * and the field of the first problem.
 */
export async function checkBackupFile(
  file: string,
  onProgress?: (p: BackupProgress) => void,
): Promise<CheckedBackup> {
  const hash = createHash('sha256');
  let header: BackupHeader | undefined;
  let trailer: BackupTrailer | undefined;
  let last = 0;
  const counts = new Map<string, number>();
  const ids = new Map<string, Set<string>>();
  let total = 0;
  for await (const { n, text } of linesOf(file)) {
    last = n;
    if (trailer) refuse(n, 'there is a line after the trailer');
    const raw = parseLine(n, text);
    if (n === 1) {
      header = checkHeader(raw);
      for (const c of header.collections) {
        counts.set(c.name, 0);
        ids.set(c.name, new Set());
      }
      total = header.collections.reduce((s, c) => s + (Number(c.count) || 0), 0);
      hash.update(`${text}\n`);
      continue;
    }
    if ('trailer' in raw) {
      const t = raw.trailer;
      if (!isObject(t)) refuse(n, 'field "trailer" is not an object');
      if (t.lines !== n - 1)
        refuse(n, `field "trailer.lines" is ${JSON.stringify(t.lines)} but the file has ${n - 1}`);
      if (!isObject(t.counts)) refuse(n, 'field "trailer.counts" is not an object');
      for (const [name, count] of counts) {
        if (t.counts[name] !== count)
          refuse(
            n,
            `field "trailer.counts.${name}" is ${JSON.stringify(t.counts[name])} but the file holds ${count} ${name} document(s)`,
          );
      }
      if (t.sha256 !== hash.digest('hex'))
        refuse(
          n,
          'field "trailer.sha256" does not match the lines before it: the file was changed',
        );
      trailer = t as unknown as BackupTrailer;
      continue;
    }
    if (!header) refuse(n, 'no header');
    hash.update(`${text}\n`);
    const c = raw.c;
    if (typeof c !== 'string') refuse(n, 'field "c" (the collection) is missing');
    const seen = ids.get(c);
    if (!seen) refuse(n, `field "c" names ${JSON.stringify(c)}, which the header does not list`);
    if (!isObject(raw.d)) refuse(n, 'field "d" (the document) is not an object');
    if (raw.d._id === undefined) refuse(n, 'field "d._id" is missing');
    try {
      EJSON.deserialize(raw.d, { relaxed: false });
    } catch (err) {
      refuse(
        n,
        `field "d" is not valid Extended JSON (${(err as Error).message.replace(/\.$/, '')})`,
      );
    }
    const id = JSON.stringify(raw.d._id);
    if (seen.has(id)) refuse(n, `field "d._id" repeats the _id ${id} of an earlier ${c} document`);
    seen.add(id);
    counts.set(c, (counts.get(c) ?? 0) + 1);
    if ((n - 1) % 1000 === 0)
      onProgress?.({ phase: 'check', done: n - 1, total: Math.max(total, n - 1) });
  }
  if (last === 0) refuse(1, 'the file is empty');
  if (!header) refuse(1, 'no header');
  if (!trailer)
    refuse(last + 1, 'the file ends without its trailer line: it is truncated or incomplete');
  onProgress?.({ phase: 'check', done: last - 2, total: last - 2 });
  return { header, trailer };
}

/** Collections of the database that hold at least one document. */
export async function nonEmptyCollections(conn: Connection): Promise<string[]> {
  const db = dbOf(conn);
  const full: string[] = [];
  for (const name of await collectionNames(db)) {
    // findOne without a filter or sort: a LIMIT 1 on FerretDB, not a scan.
    if (await db.collection(name).findOne({}, { projection: { _id: 1 } })) full.push(name);
  }
  return full;
}

export interface RestoreOptions {
  /** Documents per insertMany (default 1000). */
  batchSize?: number;
  onProgress?: (p: BackupProgress) => void;
}

export interface RestoreSummary {
  header: BackupHeader;
  counts: Record<string, number>;
  documents: number;
  indexes: number;
}

/**
 * Restores `file` into the empty database behind `conn`: refuses a non-empty store
 * (`RestoreRefusedError`) and a bad file (`BackupFileError`) before writing anything.
 */
export async function restoreStore(
  conn: Connection,
  file: string,
  options: RestoreOptions = {},
): Promise<RestoreSummary> {
  const db = dbOf(conn);
  const refuseFull = (full: string[]) => {
    if (full.length > 0)
      throw new RestoreRefusedError(
        `the store is not empty (${full.join(', ')} hold documents): restore only into an empty database.`,
      );
  };
  refuseFull(await nonEmptyCollections(conn));
  const { header, trailer } = await checkBackupFile(file, options.onProgress);
  // Checked again: the file check can take minutes, and a collector may have started meanwhile.
  refuseFull(await nonEmptyCollections(conn));

  const batchSize = options.batchSize ?? 1000;
  const total = Object.values(trailer.counts).reduce((s, c) => s + c, 0);
  const existing = new Set(await collectionNames(db));
  for (const { name } of header.collections) {
    if (!existing.has(name)) await db.createCollection(name);
  }
  let done = 0;
  let batch: Document[] = [];
  let batchOf = '';
  const flush = async () => {
    if (batch.length === 0) return;
    await db.collection(batchOf).insertMany(batch, { ordered: false });
    done += batch.length;
    batch = [];
    options.onProgress?.({ phase: 'write', done, total });
  };
  for await (const { n, text } of linesOf(file)) {
    if (n === 1) continue;
    const raw = JSON.parse(text) as { c?: string; d?: Document; trailer?: unknown };
    if (raw.trailer !== undefined) break;
    if (raw.c !== batchOf || batch.length >= batchSize) await flush();
    batchOf = raw.c as string;
    batch.push(EJSON.deserialize(raw.d as Document, { relaxed: false }) as Document);
  }
  await flush();

  // Indexes after the data (one pass per index), serially: concurrent index DDL can deadlock on
  // FerretDB. Then the models' own, in case this version defines one the backup did not have.
  let indexes = 0;
  for (const c of header.collections) {
    for (const spec of c.indexes) {
      if (spec.name === '_id_') continue;
      const { key, ...opts } = spec;
      await db.collection(c.name).createIndex(key as Record<string, 1 | -1>, opts);
      indexes += 1;
    }
  }
  await ensureIndexes(createModels(conn));
  return { header, counts: trailer.counts, documents: done, indexes };
}
