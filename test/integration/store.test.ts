/**
 * The domain models over the network against the real store (embedded FerretDB, or MongoDB when
 * MONGODB_URI is set): every collection written and read back, the snapshot key refusing a
 * second row, and the FY2564 import giving the KPI the office reported.
 */
import { type FiscalQuarter, percentOf, quotaStories } from '@reachline/shared';
import { loadFy2564 } from '@reachline/shared/data';
import {
  createModels,
  ensureIndexes,
  isFerretdb,
  periodFieldsOf,
  type ReachlineModels,
  snapshotBucket,
  snapshotId,
} from '@reachline/shared/models';
import { importFy2564 } from '@reachline/shared/seed';
import { encryptToken } from '@reachline/shared/tokenCrypto';
import { Types } from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
let models: ReachlineModels;

beforeAll(async () => {
  models = createModels(db.connection);
  await ensureIndexes(models);
});

describe('every model round-trips through the store', () => {
  it('writes and reads an account, a post, a story, a snapshot, a harvest run, a report, KPI settings and a user', async () => {
    const publishedAt = new Date('2021-03-31T18:30:00Z'); // April 2564 in Bangkok
    const key = 'a'.repeat(64);
    const account = await models.Account.create({
      platform: 'facebook',
      externalId: 'page-1',
      displayName: 'ประชาสัมพันธ์ กทม.',
      encryptedToken: encryptToken('page-token-1', key),
    });
    const post = await models.Post.create({
      platform: 'facebook',
      externalId: 'page-1_42',
      accountId: account._id,
      url: 'https://www.facebook.com/page-1/posts/42',
      title: 'ปรับจริงไม่สวมหน้ากาก',
      publishedAt,
      period: periodFieldsOf(publishedAt),
      reachMetric: 'post_total_media_view_unique',
      isInfographic: true,
      infographicReason: 'rule',
    });
    const story = await models.Story.create({
      title: post.title,
      publishedAt,
      period: periodFieldsOf(publishedAt),
      postIds: [post._id],
      platforms: ['facebook'],
      reach: 3000,
      threshold: 3000,
      passed: true,
      crossedThresholdAt: publishedAt,
    });
    const bucket = snapshotBucket(new Date('2021-04-01T00:07:00Z'), 15 * 60_000);
    await models.ReachSnapshot.create({
      _id: snapshotId(post._id, bucket),
      postId: post._id,
      bucket,
      capturedAt: new Date('2021-04-01T00:07:00Z'),
      reach: 3000,
      metric: 'post_total_media_view_unique',
      metrics: new Map([['post_media_view', 4100]]),
    });
    const run = await models.HarvestRun.create({
      jobId: 'harvest:facebook:page-1:batch-0',
      platform: 'facebook',
      accountId: account._id,
      startedAt: new Date(),
      finishedAt: new Date(),
      postsAsked: 1,
      postsAnswered: 1,
      apiCalls: 1,
    });
    await models.Report.create({
      fiscalYear: 2564,
      monthKey: '2021-04',
      reportDate: new Date('2021-04-29T00:00:00Z'),
      progressPercent: 50,
      generatedText: 'มีการเผยแพร่อินโฟกราฟฟิก…',
      generatedAt: new Date(),
      items: [
        {
          postId: post._id,
          platform: 'facebook',
          title: post.title,
          reach: 3000,
          reachMetric: 'post_total_media_view_unique',
          passed: true,
        },
      ],
    });
    await models.KpiSettings.create({ fiscalYear: 2599 });
    await models.User.create({
      email: 'Editor@Example.org',
      passwordHash: 'scrypt$placeholder-hash-for-a-round-trip-test',
      role: 'editor',
    });

    const readPost = await models.Post.findOne({
      platform: 'facebook',
      externalId: 'page-1_42',
    }).lean();
    expect(readPost?.period).toEqual({ monthKey: '2021-04', fiscalYear: 2564, quarter: 3 });
    expect(String(readPost?.accountId)).toBe(String(account._id));
    const readStory = await models.Story.findById(story._id).lean();
    expect(readStory?.postIds.map(String)).toEqual([String(post._id)]);
    expect(readStory?.passed).toBe(true);
    const snap = await models.ReachSnapshot.findById(snapshotId(post._id, bucket)).lean();
    expect(snap?.reach).toBe(3000);
    expect(await models.HarvestRun.countDocuments({ _id: run._id })).toBe(1);
    expect((await models.Report.findOne({ monthKey: '2021-04' }).lean())?.items).toHaveLength(1);
    expect((await models.KpiSettings.findOne({ fiscalYear: 2599 }).lean())?.threshold).toBe(3000);
    expect((await models.User.findOne({ email: 'editor@example.org' }).lean())?.role).toBe(
      'editor',
    );
    const readAccount = await models.Account.findById(account._id).lean();
    expect(readAccount?.encryptedToken).toMatch(/^v1:/);
    expect(readAccount?.encryptedToken).not.toContain('page-token-1');
  });
});

describe('indexes', () => {
  const specsOf = async (model: ReachlineModels[keyof ReachlineModels]) =>
    (
      (await model.collection.listIndexes().toArray()) as {
        name: string;
        key: Record<string, number>;
        unique?: boolean;
      }[]
    ).filter((ix) => ix.name !== '_id_');

  it('are the unique ones on FerretDB (secondary ones serve no query there) and all on MongoDB', async () => {
    const ferret = await isFerretdb(db.connection);
    for (const name of ['Post', 'ReachSnapshot', 'Story', 'HarvestRun'] as const) {
      const declared = models[name].schema.indexes();
      const expected = declared
        .filter(([, o]) => !ferret || o.unique === true)
        .map(([fields]) => JSON.stringify(fields))
        .sort();
      const specs = await specsOf(models[name]);
      expect(specs.map((ix) => JSON.stringify(ix.key)).sort(), name).toEqual(expected);
      for (const ix of specs) {
        const options = declared.find(([f]) => JSON.stringify(f) === JSON.stringify(ix.key))![1];
        expect(ix.unique === true, `${name} ${ix.name}`).toBe(options.unique === true);
      }
    }
    // The unique ones are enforced (and are what makes harvests and imports idempotent).
    expect(models.Post.schema.indexes().some(([, o]) => o.unique === true)).toBe(true);
  });

  it('on FerretDB, drops a secondary index an earlier version created, and keeps the rest', async () => {
    if (!(await isFerretdb(db.connection))) {
      // MongoDB keeps every declared index: ensureIndexes again changes nothing.
      const before = await specsOf(models.Post);
      await ensureIndexes(models);
      expect(await specsOf(models.Post)).toEqual(before);
      return;
    }
    await models.Post.collection.createIndex({ storyId: 1 });
    await models.Post.collection.createIndex({ title: 1 }); // not declared by the schema
    expect((await specsOf(models.Post)).map((ix) => ix.name)).toContain('storyId_1');
    await ensureIndexes(models);
    const names = (await specsOf(models.Post)).map((ix) => ix.name).sort();
    expect(names).toEqual(['platform_1_externalId_1', 'title_1']);
    await models.Post.collection.dropIndex('title_1');
  });
});

describe('idempotent writes', () => {
  it('refuses a second snapshot row for the same post and harvest slot', async () => {
    const postId = new Types.ObjectId();
    const bucket = snapshotBucket(new Date('2021-05-01T10:20:00Z'), 60 * 60_000);
    const doc = {
      _id: snapshotId(postId, bucket),
      postId,
      bucket,
      capturedAt: new Date('2021-05-01T10:20:00Z'),
      reach: 120,
      metric: 'reach',
    };
    await models.ReachSnapshot.create(doc);
    await expect(models.ReachSnapshot.create({ ...doc, reach: 130 })).rejects.toMatchObject({
      code: 11000,
    });
    // The retried-job path: an upsert on the deterministic id keeps one row.
    await models.ReachSnapshot.updateOne(
      { _id: doc._id },
      {
        $set: { reach: 125 },
        $setOnInsert: { postId, bucket, capturedAt: doc.capturedAt, metric: 'reach' },
      },
      { upsert: true },
    );
    expect(await models.ReachSnapshot.countDocuments({ postId })).toBe(1);
    expect((await models.ReachSnapshot.findById(doc._id).lean())?.reach).toBe(125);
  });

  it('refuses a second post with the same platform and external id', async () => {
    const base = {
      platform: 'x' as const,
      externalId: 'tweet-7',
      accountId: new Types.ObjectId(),
      url: 'https://x.com/i/status/7',
      publishedAt: new Date('2021-01-05T03:00:00Z'),
      period: periodFieldsOf(new Date('2021-01-05T03:00:00Z')),
      reachMetric: 'impression_count',
    };
    await models.Post.create(base);
    await expect(models.Post.create(base)).rejects.toMatchObject({ code: 11000 });
    expect(await models.Post.countDocuments({ platform: 'x', externalId: 'tweet-7' })).toBe(1);
  });
});

describe('FY2564 import', () => {
  it('stores the reported year and gives back its KPI, twice without duplicates', async () => {
    // The office's own figures (shared/research/seed-summary.md): 74 infographics, 69 reached
    // 3,000 (93.24 %); Q1 25/20, Q2 34/34, Q3 15/15, Q4 none; goal 90 % of 50 = 45 stories.
    const seed = loadFy2564();
    for (let i = 0; i < 2; i++) {
      const summary = await importFy2564(models, seed);
      expect(summary).toEqual({ posts: 74, stories: 74, passed: 69 });
    }
    const fy = { 'period.fiscalYear': 2564, platform: 'facebook' as const, isInfographic: true };
    expect(await models.Post.countDocuments({ ...fy, externalId: /^fy2564-/ })).toBe(74);
    const seedStories = {
      'period.fiscalYear': 2564,
      title: { $in: seed.posts.map((p) => p.title) },
    };
    expect(await models.Story.countDocuments(seedStories)).toBe(74);
    const passed = await models.Story.countDocuments({ ...seedStories, passed: true });
    expect(passed).toBe(69);
    expect(percentOf(passed, 74)).toBe(93.24);
    expect(await models.ReachSnapshot.countDocuments({ source: 'manual' })).toBe(74);
    const byQuarter: [FiscalQuarter, number, number][] = [];
    for (const quarter of [1, 2, 3, 4] as const) {
      const q = { ...seedStories, 'period.quarter': quarter };
      byQuarter.push([
        quarter,
        await models.Story.countDocuments(q),
        await models.Story.countDocuments({ ...q, passed: true }),
      ]);
    }
    expect(byQuarter).toEqual([
      [1, 25, 20],
      [2, 34, 34],
      [3, 15, 15],
      [4, 0, 0],
    ]);
    const settings = await models.KpiSettings.findOne({ fiscalYear: 2564 }).lean();
    expect(settings).toMatchObject({ threshold: 3000, targetPercent: 90, targetStories: 50 });
    expect(quotaStories(settings?.targetPercent ?? 0, settings?.targetStories ?? 0)).toBe(45);
  });
});
