// Test-file side of the services harness.
//
//   const { redisUrl, mongoUri } = testServices();        // the shared servers
//   const db = useTestDatabase();                         // per-file database + Redis prefix
//   it('…', async () => { db.connection.model(…); new Queue('q', { prefix: db.prefix, … }) });
//
// useTestDatabase() registers beforeAll/afterAll hooks: it opens a mongoose connection to a
// database of this test file only, and afterwards drops that database, deletes the Redis keys
// under the file's prefix, and closes the connection.
import { createHash } from 'node:crypto';
import { relative } from 'node:path';

import { isolatedDbUri, sanitizeDbName, type MongoKind } from '@reachline/dev-services';
import { Redis } from 'ioredis';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, expect, inject } from 'vitest';

import './provided';

export interface TestServices {
  redisUrl: string;
  mongoUri: string;
  mongoKind: MongoKind;
  runTag: string;
}

/** The services started by test/global-setup.ts; throws its startup error when it failed. */
export function testServices(): TestServices {
  const provided = inject('reachlineServices');
  if (provided === undefined) {
    throw new Error(
      'no services were provided: run the tests from the repository root (its vitest.config.ts has test/global-setup.ts as globalSetup).',
    );
  }
  if (!provided.ok) throw new Error(provided.error);
  const { redisUrl, mongoUri, mongoKind, runTag } = provided;
  return { redisUrl, mongoUri, mongoKind, runTag };
}

/** Database name for a test file in a run: `t_<runTag>_<path>`, `[a-z0-9_]`, ≤ 63 characters. */
export function testDbName(runTag: string, testFile: string): string {
  const rel = relative(process.cwd(), testFile).replace(/\.[cm]?[jt]sx?$/, '');
  return sanitizeDbName(`t_${runTag}_${rel}`);
}

function currentTestFile(): string {
  const path = expect.getState().testPath;
  if (!path) throw new Error('useTestDatabase() must be called at the top level of a test file.');
  return path;
}

export interface TestDatabase {
  /** Isolated database name of this test file. */
  readonly dbName: string;
  /** Connection string to that database (for the plain mongodb driver). */
  readonly mongoUri: string;
  readonly mongoKind: MongoKind;
  readonly redisUrl: string;
  /** Redis key prefix of this test file: pass it as BullMQ's `prefix`. */
  readonly prefix: string;
  /** The mongoose connection (available inside tests and hooks, after beforeAll). */
  readonly connection: Connection;
}

export interface UseTestDatabaseOptions {
  /** Label instead of the test file path (still prefixed with the run tag). */
  name?: string;
  /** Connect mongoose's default connection (mongoose.connect) instead of createConnection. */
  mongooseDefault?: boolean;
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * The Redis prefix of a test database: its name, or (names over 40 characters, the limit of
 * QUEUE_PREFIX) its first 27 characters and a hash, so a dashboard or collector started with
 * `QUEUE_PREFIX: db.prefix` accepts it.
 */
export function prefixOf(dbName: string): string {
  if (dbName.length <= 40) return dbName;
  return `${dbName.slice(0, 27)}_${createHash('sha1').update(dbName).digest('hex').slice(0, 12)}`;
}

export function useTestDatabase(options: UseTestDatabaseOptions = {}): TestDatabase {
  const label = options.name ?? currentTestFile();
  let connection: Connection | undefined;
  let resolved: (TestServices & { dbName: string; uri: string }) | undefined;

  const get = () => {
    if (!resolved) {
      const services = testServices();
      const dbName = options.name
        ? sanitizeDbName(`t_${services.runTag}_${options.name}`)
        : testDbName(services.runTag, label);
      resolved = { ...services, dbName, uri: isolatedDbUri(services.mongoUri, dbName) };
    }
    return resolved;
  };

  beforeAll(async () => {
    const { uri } = get();
    const opts = { serverSelectionTimeoutMS: 10_000 };
    if (options.mongooseDefault) {
      await mongoose.connect(uri, opts);
      connection = mongoose.connection;
    } else {
      connection = await mongoose.createConnection(uri, opts).asPromise();
    }
  });

  afterAll(async () => {
    const r = resolved;
    if (connection) {
      try {
        await connection.dropDatabase();
      } finally {
        await connection.close();
        connection = undefined;
      }
    }
    if (r) await deleteKeys(r.redisUrl, prefixOf(r.dbName));
  });

  return {
    get dbName() {
      return get().dbName;
    },
    get mongoUri() {
      return get().uri;
    },
    get mongoKind() {
      return get().mongoKind;
    },
    get redisUrl() {
      return get().redisUrl;
    },
    get prefix() {
      return prefixOf(get().dbName);
    },
    get connection() {
      if (!connection)
        throw new Error('the test database is connected in beforeAll: use it in tests.');
      return connection;
    },
  };
}
