// The services harness against the real services of this run: Redis (redis-server or REDIS_URL)
// and MongoDB/FerretDB (FerretDB by default on a machine without mongod or MONGODB_URI).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { findRepoRoot, isolatedDbUri, portAnswers } from '@reachline/dev-services';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { MongoClient, MongoServerError } from 'mongodb';
import { Schema } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';

import { testDbName, testServices, useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
const closers: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

describe('MongoDB-compatible store', () => {
  it('writes and reads a document with the plain driver, in this file’s own database', async () => {
    const client = await MongoClient.connect(db.mongoUri, { serverSelectionTimeoutMS: 10_000 });
    closers.push(() => client.close());
    const posts = client.db().collection<{ _id: string; reach: number; title: string }>('posts');
    expect(client.db().databaseName).toBe(db.dbName);
    await posts.insertOne({ _id: 'fb-1', reach: 1200, title: 'อินโฟกราฟิก เดือนตุลาคม' });
    const found = await posts.findOne({ _id: 'fb-1' });
    expect(found).toEqual({ _id: 'fb-1', reach: 1200, title: 'อินโฟกราฟิก เดือนตุลาคม' });
  });

  it('a unique index refuses a duplicate (E11000) and an upsert on the same key leaves one row', async () => {
    const Post = db.connection.model(
      'UniquePost',
      new Schema({ platform: String, postId: String, reach: Number }).index(
        { platform: 1, postId: 1 },
        { unique: true },
      ),
    );
    await Post.init();
    await Post.create({ platform: 'facebook', postId: 'p1', reach: 10 });
    const dup = await Post.create({ platform: 'facebook', postId: 'p1', reach: 11 }).catch(
      (e: unknown) => e,
    );
    expect(dup).toBeInstanceOf(MongoServerError);
    expect((dup as MongoServerError).code).toBe(11000);
    expect((dup as Error).message).toContain('E11000');

    for (const reach of [20, 30]) {
      await Post.updateOne(
        { platform: 'facebook', postId: 'p1' },
        { $set: { reach } },
        { upsert: true },
      );
    }
    await Post.updateOne(
      { platform: 'facebook', postId: 'p2' },
      { $set: { reach: 5 } },
      { upsert: true },
    );
    expect(await Post.countDocuments({ platform: 'facebook', postId: 'p1' })).toBe(1);
    expect((await Post.findOne({ postId: 'p1' }).lean())?.reach).toBe(30);
    expect(await Post.countDocuments()).toBe(2);
  });
});

describe('Redis', () => {
  it('a BullMQ job is enqueued, processed by a Worker and completed, under this file’s prefix', async () => {
    const connection = () => new Redis(db.redisUrl, { maxRetriesPerRequest: null });
    const queueConn = connection();
    const workerConn = connection();
    closers.push(() => {
      queueConn.disconnect();
      workerConn.disconnect();
      return Promise.resolve();
    });
    const queue = new Queue('harvest', { connection: queueConn, prefix: db.prefix });
    const completed = new Promise<{ job: Job; result: unknown }>((resolve, reject) => {
      const worker = new Worker(
        'harvest',
        (job: Job<{ a: number; b: number }>) => Promise.resolve(job.data.a + job.data.b),
        { connection: workerConn, prefix: db.prefix },
      );
      closers.push(() => worker.close());
      worker.on('completed', (job, result) => resolve({ job, result }));
      worker.on('failed', (_job, err) => reject(err));
      worker.on('error', reject);
    });
    closers.push(() => queue.close());

    const added = await queue.add('sum', { a: 2, b: 3 });
    const { job, result } = await completed;
    expect(job.id).toBe(added.id);
    expect(result).toBe(5);
    expect(await queue.getJobCounts('completed')).toEqual({ completed: 1 });

    // Other test files share this Redis, so look only at what this queue wrote: its keys carry
    // the file's prefix, and none of its job ids leaked under BullMQ's default prefix.
    const keys = await queueConn.keys(`${db.prefix}:harvest:*`);
    expect(keys).toContain(`${db.prefix}:harvest:${added.id}`);
    expect(await queueConn.exists(`bull:harvest:${added.id}`)).toBe(0);
  });
});

describe('isolation', () => {
  it('gives every test file its own database name and Redis prefix', () => {
    const { runTag, mongoUri } = testServices();
    const root = findRepoRoot();
    const a = testDbName(runTag, join(root, 'apps/collector/src/harvest.test.ts'));
    const b = testDbName(runTag, join(root, 'apps/dashboard/src/harvest.test.ts'));
    expect(a).not.toBe(b);
    expect(db.dbName).toBe(testDbName(runTag, join(root, 'test/integration/services.test.ts')));
    expect(db.dbName).toMatch(/^t_[0-9a-f]{6}_test_integration_services_test$/);
    expect(db.prefix).toBe(db.dbName);
    expect(isolatedDbUri(mongoUri, a)).not.toBe(isolatedDbUri(mongoUri, b));
  });
});

describe('parent death', () => {
  it('the services a process started die when it is killed with SIGKILL', async () => {
    const root = findRepoRoot();
    const fixture = join(root, 'packages/dev-services/test/fixtures/hold-services.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    closers.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
      return Promise.resolve();
    });
    type Info = { redisPort: number; mongoPort: number; pids: number[] };
    const info = await new Promise<Info>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', (line) =>
        resolve(JSON.parse(line) as Info),
      );
      child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
    });
    expect(await portAnswers(info.redisPort)).toBe(true);
    expect(await portAnswers(info.mongoPort)).toBe(true);
    expect(info.pids).toHaveLength(2);

    child.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    let open = [true, true];
    while (Date.now() < deadline) {
      open = await Promise.all([
        portAnswers(info.redisPort, '127.0.0.1', 300),
        portAnswers(info.mongoPort, '127.0.0.1', 300),
      ]);
      if (!open.some(Boolean)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(open).toEqual([false, false]);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline2 = Date.now() + 5000;
    while (info.pids.some(alive) && Date.now() < deadline2)
      await new Promise((r) => setTimeout(r, 100));
    expect(info.pids.filter(alive)).toEqual([]);
  });
});
