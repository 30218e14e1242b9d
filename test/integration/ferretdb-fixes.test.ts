/**
 * The changes tools/ferretdb makes to FerretDB 1.24.2 (tools/ferretdb/patches.json), checked
 * against the store under test: `_id` lookups, single or by an `$in` list, search the `_id_` index
 * instead of scanning the table, and update commands of more than 100 statements (or many concurrent bulk updates) answer
 * instead of waiting forever for a pooled SQLite connection. Against MongoDB the same tests pass
 * (an index plan: IXSCAN, IDHACK or EXPRESS); against FerretDB's PostgreSQL handler the explain
 * test only checks the pushdown, as PostgreSQL scans there (see packages/dev-services/README.md).
 * Also: a patch whose upstream text is gone stops the build with one sentence, and editing a
 * patch changes the cache key of the binary.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  mkdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  applyFerretdbPatches,
  ferretdbBinaryPath,
  findRepoRoot,
  readFerretdbPatches,
  startFerretdb,
} from '@reachline/dev-services';
import { MongoClient } from 'mongodb';
import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';

import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();

interface Doc {
  _id: string | Types.ObjectId;
  n: number;
  round?: number;
  writes?: number;
  pad: string;
}

const PAD = 'x'.repeat(240); // ~300-byte documents

function coll(name: string) {
  const native = db.connection.db;
  if (!native) throw new Error('no database handle on the test connection');
  return native.collection<Doc>(name);
}

/** Rejects with `what did not answer within N s` instead of letting a hung command hang the test. */
async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const id = (i: number) => `d-${String(i).padStart(6, '0')}`;

/** Is the store FerretDB (its buildInfo has ferretdbVersion), whatever MONGODB_URI says? */
async function isFerretdb(): Promise<boolean> {
  const native = db.connection.db;
  if (!native) throw new Error('no database handle on the test connection');
  const info = await native.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info;
}

describe('_id lookups use the _id_ index', () => {
  it('explains find({_id}) as an index search, for string and ObjectId _ids, and finds the row', async () => {
    const c = coll('by_id');
    const oids = Array.from({ length: 2000 }, () => new Types.ObjectId());
    await c.insertMany(
      Array.from({ length: 2000 }, (_, i) => ({ _id: id(i), n: i, pad: PAD })),
      { ordered: false },
    );
    await c.insertMany(
      oids.map((o, i) => ({ _id: o, n: i, pad: PAD })),
      { ordered: false },
    );
    const ferret = await isFerretdb();
    for (const _id of [id(1999), oids[1999]!]) {
      const plan = JSON.stringify(await c.find({ _id }).explain());
      if (ferret && plan.includes('"Node Type"')) {
        // FerretDB's PostgreSQL backend (MONGO_BACKEND=ferretdb-postgresql): it pushes _id
        // equality down, but as `_jsonb->'_id' @> $1`, which its _id_ index cannot serve, so
        // PostgreSQL scans (a known upstream limit, see packages/dev-services/README.md).
        expect(plan).toContain('"filterPushdown":true');
      } else if (ferret) {
        // FerretDB's SQLite backend reports SQLite's EXPLAIN QUERY PLAN rows.
        expect(plan).toMatch(/SEARCH \S+ USING INDEX \S+__id_ /);
        expect(plan).not.toMatch(/detail=SCAN/);
      } else {
        expect(plan).toMatch(/IXSCAN|IDHACK|EXPRESS/);
      }
      const found = await c.findOne({ _id });
      expect(found?.n).toBe(1999);
    }
    expect(await c.findOne({ _id: 'd-missing' })).toBeNull();
    // updateOne and deleteOne by _id go through the same pushdown.
    const upd = await c.updateOne({ _id: id(1500) }, { $set: { n: -1 } });
    expect(upd).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect((await c.findOne({ _id: id(1500) }))?.n).toBe(-1);
    expect((await c.deleteOne({ _id: id(1501) })).deletedCount).toBe(1);
    expect(await c.countDocuments({})).toBe(3999);
  });
});

describe('_id $in lookups use the _id_ index', () => {
  it('explains find({_id: {$in}}) as index searches and returns exactly the listed documents', async () => {
    const c = coll('by_id_in');
    const oids = Array.from({ length: 1500 }, () => new Types.ObjectId());
    await c.insertMany(
      Array.from({ length: 1500 }, (_, i) => ({ _id: id(i), n: i, pad: PAD })),
      { ordered: false },
    );
    await c.insertMany(
      oids.map((o, i) => ({ _id: o, n: 10_000 + i, pad: PAD })),
      { ordered: false },
    );
    const ferret = await isFerretdb();
    // Late and early rows, a missing one, a repeated one, and both _id types in one list.
    const wanted = [id(1499), id(3), 'd-missing', id(3), oids[1400]!, oids[0]!];
    const plan = JSON.stringify(await c.find({ _id: { $in: wanted } }).explain());
    if (ferret && !plan.includes('"Node Type"')) {
      expect(plan).toMatch(/SEARCH \S+ USING INDEX \S+__id_ /);
      expect(plan).not.toMatch(/detail=SCAN/);
    } else if (!ferret) {
      expect(plan).toMatch(/IXSCAN|IDHACK|EXPRESS/);
    }
    const ns = (docs: { n: number }[]) => docs.map((d) => d.n).sort((a, b) => a - b);
    expect(ns(await c.find({ _id: { $in: wanted } }).toArray())).toEqual([3, 1499, 10_000, 11_400]);
    // What is not pushed down still answers correctly: another condition beside $in, a list
    // with a number in it, a list over 1,000 values, an empty list.
    expect(ns(await c.find({ _id: { $in: wanted }, n: { $gt: 5 } }).toArray())).toEqual([
      1499, 10_000, 11_400,
    ]);
    expect(ns(await c.find({ _id: { $in: [id(7), 7 as unknown as string] } }).toArray())).toEqual([
      7,
    ]);
    const many = Array.from({ length: 1200 }, (_, i) => id(i * 2));
    expect(await c.countDocuments({ _id: { $in: many } })).toBe(750);
    expect(await c.find({ _id: { $in: [] } }).toArray()).toEqual([]);
    // updateMany by an _id list goes through the same query.
    const upd = await c.updateMany(
      { _id: { $in: [id(10), id(11), 'd-none'] } },
      { $set: { n: -1 } },
    );
    expect(upd).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect(await c.countDocuments({ n: -1 })).toBe(2);
  });
});

describe('update commands of more than 100 statements answer', () => {
  it('applies one bulkWrite of 500 updateOne', async () => {
    const c = coll('bulk500');
    await c.insertMany(Array.from({ length: 500 }, (_, i) => ({ _id: id(i), n: 0, pad: PAD })));
    const ops = Array.from({ length: 500 }, (_, i) => ({
      updateOne: { filter: { _id: id(i) }, update: { $set: { n: i + 1 } } },
    }));
    const res = await within(20_000, 'one bulkWrite of 500 updateOne', c.bulkWrite(ops));
    expect(res.matchedCount).toBe(500);
    expect(res.modifiedCount).toBe(500);
    const docs = await c.find({}, { projection: { n: 1 } }).toArray();
    expect(docs).toHaveLength(500);
    expect(docs.filter((d) => d.n === Number(String(d._id).slice(2)) + 1)).toHaveLength(500);
  });

  it('lets 8 concurrent writers run 50-statement bulk upserts, round after round, and stores every write', async () => {
    const c = coll('concurrent');
    const WRITERS = 8;
    const ROUNDS = 4;
    const PER = 50;
    const writer = async (w: number): Promise<{ upserted: number; matched: number }> => {
      let upserted = 0;
      let matched = 0;
      for (let r = 0; r < ROUNDS; r++) {
        const ops = Array.from({ length: PER }, (_, i) => ({
          updateOne: {
            filter: { _id: `w${w}-${i}` },
            update: { $set: { round: r, pad: PAD }, $inc: { writes: 1 }, $setOnInsert: { n: i } },
            upsert: true,
          },
        }));
        const res = await c.bulkWrite(ops);
        upserted += res.upsertedCount;
        matched += res.matchedCount;
      }
      return { upserted, matched };
    };
    const results = await within(
      25_000,
      `${WRITERS} concurrent writers of ${ROUNDS} rounds of ${PER}-statement bulk upserts`,
      Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w))),
    );
    for (const r of results) expect(r).toEqual({ upserted: PER, matched: PER * (ROUNDS - 1) });
    expect(await c.countDocuments({})).toBe(WRITERS * PER);
    expect(await c.countDocuments({ writes: ROUNDS, round: ROUNDS - 1 })).toBe(WRITERS * PER);
  });
});

describe('the write-ahead log under a stream of updates by _id', () => {
  // An updateOne used to keep its SELECT open across its UPDATE's commit; SQLite cannot restart
  // its log while a reader uses it, so the log grew with every update and each commit re-ran a
  // checkpoint over all of it. A store of its own, so that the log file can be measured.
  it('restarts: 4,000 updates of 1 KB documents leave a log near the 1,000-page checkpoint mark', async () => {
    const root = findRepoRoot();
    const dataDir = mkdtempSync(join(tmpdir(), 'ferretdb-wal-'));
    const store = await startFerretdb({ root, dataDir });
    const client = new MongoClient(store.uri);
    try {
      await client.connect();
      const c = client.db('wal').collection<{ _id: string; n: number; pad: string }>('docs');
      const pad = 'ข้อมูล'.repeat(30) + 'x'.repeat(500); // about 1 KB
      await c.insertMany(Array.from({ length: 500 }, (_, i) => ({ _id: id(i), n: 0, pad })));
      for (let round = 0; round < 80; round++) {
        const ops = Array.from({ length: 50 }, (_, k) => ({
          updateOne: {
            filter: { _id: id((round * 50 + k) % 500) },
            update: { $set: { n: round + 1 } },
          },
        }));
        const res = await within(30_000, `update round ${round}`, c.bulkWrite(ops));
        expect(res.modifiedCount).toBe(50);
      }
      // Document i was last written in round 70 + floor(i / 50).
      const stored = await c
        .find({}, { projection: { n: 1 } })
        .sort({ _id: 1 })
        .toArray();
      expect(stored.map((d) => d.n)).toEqual(
        Array.from({ length: 500 }, (_, i) => 71 + Math.floor(i / 50)),
      );
      const wal = join(dataDir, 'data', 'wal.sqlite-wal');
      expect(existsSync(wal)).toBe(true);
      // 4,000 commits write 2 or more 4 KB pages each (32 MB and up when the log never restarts);
      // a log that restarts stays near 1,000 pages (about 4 MB).
      expect(statSync(wal).size).toBeLessThan(8 * 1024 * 1024);
    } finally {
      await client.close();
      await store.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('tools/ferretdb (Go)', () => {
  it('passes go vet and its unit tests (the logger that formats nothing it drops, the SQLite URL)', () => {
    const dir = join(findRepoRoot(), 'tools', 'ferretdb');
    for (const args of [
      ['vet', '.'],
      ['test', '-count=1', '.'],
    ]) {
      const res = spawnSync('go', args, { cwd: dir, encoding: 'utf8', timeout: 600_000 });
      expect(res.error).toBeUndefined();
      expect(`${res.stdout}${res.stderr}`).not.toMatch(/FAIL|panic/);
      expect(res.status).toBe(0);
    }
  }, 660_000);
});

describe('tools/ferretdb/patches.json', () => {
  const root = findRepoRoot();

  it('stops with one sentence naming the file and the text when an upstream text is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferretdb-patch-'));
    try {
      const { patches } = readFerretdbPatches(root);
      expect(patches.length).toBeGreaterThanOrEqual(2);
      // Each file holds the upstream texts of every patch made to it.
      const files = new Map<string, string[]>();
      for (const p of patches) files.set(p.file, [...(files.get(p.file) ?? []), p.find.join('\n')]);
      for (const [file, texts] of files) {
        mkdirSync(join(dir, file, '..'), { recursive: true });
        writeFileSync(join(dir, file), `// before\n${texts.join('\n// between\n')}\n// after\n`);
      }
      applyFerretdbPatches(dir, patches, 'fake@v0');
      // Applied once, the texts are gone: applying again must fail, naming file and text.
      const first = patches[0]!;
      expect(() => applyFerretdbPatches(dir, patches, 'fake@v0')).toThrow(
        `FerretDB patch ${first.id} does not apply: ${first.file} in fake@v0 does not contain ${JSON.stringify(first.find.join('\n'))}.`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is part of the cache key of the patched binary, and the stock binary has its own name', () => {
    const fake = mkdtempSync(join(tmpdir(), 'ferretdb-root-'));
    try {
      mkdirSync(join(fake, 'tools', 'ferretdb'), { recursive: true });
      for (const f of ['main.go', 'go.mod', 'go.sum', 'patches.json'])
        cpSync(join(root, 'tools', 'ferretdb', f), join(fake, 'tools', 'ferretdb', f));
      const patched = ferretdbBinaryPath(fake, 'patched');
      const stock = ferretdbBinaryPath(fake, 'stock');
      expect(patched).not.toBe(stock);
      expect(stock).toMatch(/ferretdb-stock-[0-9a-f]{16}$/);
      writeFileSync(join(fake, 'tools', 'ferretdb', 'patches.json'), '{"module":"x","patches":[]}');
      expect(ferretdbBinaryPath(fake, 'patched')).not.toBe(patched);
      expect(ferretdbBinaryPath(fake, 'stock')).toBe(stock);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });
});
