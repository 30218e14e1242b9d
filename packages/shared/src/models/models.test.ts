// Schema validation only (`validate()`, which touches no database), no database: the connection below is never opened.
import mongoose, { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_STEPS } from '../kpi';
import {
  COLLECTIONS,
  DEFAULT_PROJECT_ID,
  projectObjectId,
  reportObjectId,
  type ReachlineModels,
  createModels,
  manualSnapshotBucket,
  periodFieldsOf,
  snapshotBucket,
  snapshotId,
  trimRawPayload,
} from './index';

const connection = mongoose.createConnection();
const models = createModels(connection);
afterAll(() => connection.close());

const id = (): Types.ObjectId => new Types.ObjectId();
const published = new Date('2021-03-31T18:30:00Z');

/** Paths that fail validation, sorted; [] when the document is valid. */
async function invalidPaths(
  model: ReachlineModels[keyof ReachlineModels],
  doc: object,
): Promise<string[]> {
  try {
    await new (model as mongoose.Model<unknown>)(doc).validate();
    return [];
  } catch (err) {
    if (err instanceof mongoose.Error.ValidationError) return Object.keys(err.errors).sort();
    throw err;
  }
}

const validPost = () => ({
  platform: 'facebook',
  externalId: '104_555',
  accountId: id(),
  url: 'https://www.facebook.com/104/posts/555',
  title: 'กทม. ห่วงใย เตือนภัยโรคและภัยหน้าฝน',
  publishedAt: published,
  period: periodFieldsOf(published),
  reachMetric: 'post_total_media_view_unique',
});

describe('createModels', () => {
  it.each(Object.entries(COLLECTIONS))('%s uses collection "%s"', (name, collection) => {
    expect(models[name as keyof ReachlineModels].collection.collectionName).toBe(collection);
  });

  it('binds to the given connection, not the global mongoose', () => {
    expect(models.Post.db).toBe(connection);
    expect(mongoose.modelNames()).not.toContain('Post');
  });

  it('can be called twice on one connection', () => {
    expect(createModels(connection).Post).toBe(models.Post);
  });
});

describe('indexes stay inside what MongoDB and FerretDB 1.24 both support', () => {
  const forbidden = [
    'sparse',
    'partialFilterExpression',
    'expireAfterSeconds',
    'expires',
    'collation',
    'weights',
  ];
  it.each(Object.keys(COLLECTIONS) as (keyof ReachlineModels)[])('%s', (name) => {
    const schema = models[name].schema;
    expect(schema.get('autoIndex')).toBe(false);
    for (const [fields, options] of schema.indexes()) {
      for (const option of forbidden) expect(options).not.toHaveProperty(option);
      for (const direction of Object.values(fields)) expect([1, -1]).toContain(direction);
    }
    schema.eachPath((path, type) => {
      expect(type.instance, path).not.toBe('Decimal128');
      expect((type.options as { select?: unknown }).select, path).not.toBe(false);
    });
  });

  it.each([
    ['Post', { platform: 1, externalId: 1 }],
    ['Account', { platform: 1, externalId: 1 }],
    ['ReachSnapshot', { postId: 1, bucket: 1 }],
    ['User', { email: 1 }],
    ['KpiSettings', { projectId: 1, fiscalYear: 1 }],
    ['HarvestRun', { jobId: 1 }],
  ] as const)('%s has a unique index on %o', (name, fields) => {
    const unique = models[name].schema
      .indexes()
      .filter(([, options]) => options.unique === true)
      .map(([f]) => f);
    expect(unique).toContainEqual(fields);
  });
});

describe('posts', () => {
  it.each([
    ['a complete post', {}, []],
    ['an unknown platform', { platform: 'myspace' }, ['platform']],
    ['no externalId', { externalId: undefined }, ['externalId']],
    ['no publishedAt', { publishedAt: undefined }, ['publishedAt']],
    ['no period', { period: undefined }, ['period']],
    [
      'a period with quarter 5',
      { period: { ...periodFieldsOf(published), quarter: 5 } },
      ['period.quarter'],
    ],
    [
      'a bad month key',
      { period: { ...periodFieldsOf(published), monthKey: '2021-4' } },
      ['period.monthKey'],
    ],
    ['a negative reach', { latestReach: -1 }, ['latestReach']],
    ['an unknown infographic reason', { infographicReason: 'ai' }, ['infographicReason']],
    ['an editor decision', { isInfographic: true, infographicReason: 'editor' }, []],
    ['a javascript: URL', { url: 'javascript:alert(1)' }, ['url']],
    ['no URL (a LINE broadcast has none)', { url: null }, []],
    [
      'a harvest error without class',
      { harvestError: { message: 'x', at: new Date() } },
      ['harvestError.class'],
    ],
  ])('%s', async (_label, patch, paths) => {
    expect(await invalidPaths(models.Post, { ...validPost(), ...patch })).toEqual(paths);
  });

  it('defaults: not an infographic, no story, nothing harvested yet', () => {
    const post = new models.Post(validPost());
    expect(post.isInfographic).toBe(false);
    expect(post.storyId).toBeNull();
    expect(post.latestReach).toBeNull();
    expect(post.harvestError).toBeNull();
    expect(post.toObject()).not.toHaveProperty('__v');
  });

  it.each([
    ['2021-03-31T18:30:00Z', { monthKey: '2021-04', fiscalYear: 2564, quarter: 3 }],
    ['2020-09-30T16:59:59Z', { monthKey: '2020-09', fiscalYear: 2563, quarter: 4 }],
  ])('periodFieldsOf(%s) stores Bangkok month, FY and quarter', (iso, period) => {
    expect(periodFieldsOf(new Date(iso))).toEqual(period);
  });
});

describe('stories', () => {
  const validStory = () => ({
    title: 'ข่าวบิดเบือนตลาดละลายทรัพย์',
    publishedAt: published,
    period: periodFieldsOf(published),
    postIds: [id(), id()],
    platforms: ['facebook', 'x'],
    reach: 51960,
    threshold: 3000,
    passed: true,
  });
  it.each([
    ['a complete story', {}, []],
    ['reach mode "avg"', { reachMode: 'avg' }, ['reachMode']],
    ['no threshold', { threshold: undefined }, ['threshold']],
    ['an unknown platform', { platforms: ['facebook', 'friendster'] }, ['platforms.1']],
  ])('%s', async (_label, patch, paths) => {
    expect(await invalidPaths(models.Story, { ...validStory(), ...patch })).toEqual(paths);
  });
});

describe('reach_snapshots', () => {
  const postId = id();
  const capturedAt = new Date('2021-06-01T03:07:42.123Z');
  const bucket = snapshotBucket(capturedAt, 15 * 60_000);
  const validSnapshot = () => ({
    _id: snapshotId(postId, bucket),
    postId,
    bucket,
    capturedAt,
    reach: 23156,
    metric: 'post_total_media_view_unique',
  });

  it.each([
    ['a complete snapshot', {}, []],
    ['an _id that disagrees with (postId, bucket)', { _id: `${postId.toString()}:other` }, ['_id']],
    ['no reach', { reach: undefined }, ['reach']],
    ['source "scraper"', { source: 'scraper' }, ['source']],
    ['a non-numeric extra metric', { metrics: { likes: 'many' } }, ['metrics.likes']],
  ])('%s', async (_label, patch, paths) => {
    expect(await invalidPaths(models.ReachSnapshot, { ...validSnapshot(), ...patch })).toEqual(
      paths,
    );
  });

  it.each([
    ['2021-06-01T03:07:42.123Z', 15 * 60_000, '2021-06-01T03:00:00.000Z'],
    ['2021-06-01T03:14:59.999Z', 15 * 60_000, '2021-06-01T03:00:00.000Z'],
    ['2021-06-01T03:15:00.000Z', 15 * 60_000, '2021-06-01T03:15:00.000Z'],
    ['2021-06-01T03:59:00.000Z', 60 * 60_000, '2021-06-01T03:00:00.000Z'],
    ['2021-06-01T05:59:00.000Z', 6 * 60 * 60_000, '2021-06-01T00:00:00.000Z'],
    ['2021-06-01T23:59:00.000Z', 24 * 60 * 60_000, '2021-06-01T00:00:00.000Z'],
  ])('snapshotBucket(%s, %i) = %s', (iso, interval, expected) => {
    expect(snapshotBucket(new Date(iso), interval)).toBe(expected);
  });

  it.each([0, -1, 1.5])('snapshotBucket rejects interval %s', (interval) => {
    expect(() => snapshotBucket(capturedAt, interval)).toThrow(RangeError);
  });

  it('two attempts of one harvest get the same id; the next slot gets another', () => {
    const first = snapshotId(postId, snapshotBucket(new Date('2021-06-01T03:01:00Z'), 900_000));
    const retry = snapshotId(postId, snapshotBucket(new Date('2021-06-01T03:13:00Z'), 900_000));
    const next = snapshotId(postId, snapshotBucket(new Date('2021-06-01T03:16:00Z'), 900_000));
    expect(retry).toBe(first);
    expect(next).not.toBe(first);
    expect(first).toBe(`${postId.toString()}:2021-06-01T03:00:00.000Z`);
  });

  it('snapshotId accepts the bucket as a Date', () => {
    expect(snapshotId('p1', new Date('2021-06-01T03:00:00Z'))).toBe('p1:2021-06-01T03:00:00.000Z');
  });

  it('a manual reading never shares a slot with an API reading', () => {
    expect(manualSnapshotBucket(capturedAt)).toBe('manual:2021-06-01T03:07:42.000Z');
  });

  it.each([
    [null, null],
    [{ a: 1 }, '{"a":1}'],
    ['x'.repeat(5000), 'x'.repeat(4000)],
  ])('trimRawPayload(%j)', (payload, expected) => {
    expect(trimRawPayload(payload)).toBe(expected);
  });
});

describe('accounts', () => {
  const validAccount = () => ({
    platform: 'line',
    externalId: '@bangkok',
    displayName: 'กรุงเทพมหานคร',
    encryptedToken: 'v1:aXY=:dGFn:Y3Q=',
  });
  it.each([
    ['a complete account', {}, []],
    ['no token yet', { encryptedToken: null }, []],
    ['a plain token', { encryptedToken: 'EAAGm0PX4ZCpsBA' }, ['encryptedToken']],
    ['token status "revoked"', { tokenStatus: 'revoked' }, ['tokenStatus']],
    ['a negative usage', { quota: { usagePercent: -5 } }, ['quota.usagePercent']],
  ])('%s', async (_label, patch, paths) => {
    expect(await invalidPaths(models.Account, { ...validAccount(), ...patch })).toEqual(paths);
  });
});

describe('users', () => {
  const validUser = () => ({
    email: 'Editor@PR.bangkok.go.th ',
    passwordHash: '$argon2id$v=19$m=65536$abc',
  });
  it.each([
    ['a complete user', {}, []],
    ['role "owner"', { role: 'owner' }, ['role']],
    ['an email without @', { email: 'editor.bangkok.go.th' }, ['email']],
    ['no password hash', { passwordHash: undefined }, ['passwordHash']],
  ])('%s', async (_label, patch, paths) => {
    expect(await invalidPaths(models.User, { ...validUser(), ...patch })).toEqual(paths);
  });

  it('lower-cases and trims the email, and defaults to viewer', () => {
    const user = new models.User(validUser());
    expect(user.email).toBe('editor@pr.bangkok.go.th');
    expect(user.role).toBe('viewer');
  });
});

describe('kpi_settings', () => {
  it('defaults to the FY2564 goal and plan', async () => {
    const settings = new models.KpiSettings({ fiscalYear: 2565 });
    await expect(settings.validate()).resolves.toBeUndefined();
    expect(settings.toObject()).toMatchObject({
      threshold: 3000,
      targetStories: 50,
      targetPercent: 90,
      storyReach: 'sum',
      infographicRule: { hashtags: [], keywords: [] },
    });
    expect(settings.planSteps.map((s) => s.weight)).toEqual([10, 35, 45, 10]);
  });

  it('does not share the default plan array between documents', () => {
    const a = new models.KpiSettings({ fiscalYear: 2565 });
    a.planSteps[0]!.weight = 20;
    expect(new models.KpiSettings({ fiscalYear: 2566 }).planSteps[0]!.weight).toBe(10);
    expect(DEFAULT_PLAN_STEPS[0]!.weight).toBe(10);
  });

  it.each([
    ['no fiscal year', { fiscalYear: undefined }, ['fiscalYear']],
    ['a CE fiscal year', { fiscalYear: 2021 }, ['fiscalYear']],
    ['target above 100 %', { targetPercent: 120 }, ['targetPercent']],
    ['half a story', { targetStories: 50.5 }, ['targetStories']],
    [
      'weights adding to 90',
      {
        planSteps: [
          { name: 'a', weight: 50 },
          { name: 'b', weight: 40 },
        ],
      },
      ['planSteps'],
    ],
    ['story reach "avg"', { storyReach: 'avg' }, ['storyReach']],
  ])('%s', async (_label, patch, paths) => {
    expect(await invalidPaths(models.KpiSettings, { fiscalYear: 2565, ...patch })).toEqual(paths);
  });
});

describe('reports', () => {
  const validReport = () => ({
    fiscalYear: 2564,
    monthKey: '2021-06',
    reportDate: new Date('2021-06-30T03:00:00Z'),
    progressPercent: 70,
    progressSteps: [{ name: 'เผยแพร่', weight: 45, donePercent: 50 }],
    generatedText: 'มีการเผยแพร่อินโฟกราฟฟิก…',
    generatedAt: new Date(),
    items: [
      {
        postId: id(),
        platform: 'facebook',
        title: 't',
        reach: 23156,
        reachMetric: 'm',
        passed: true,
      },
    ],
  });
  it.each([
    ['a complete draft', {}, []],
    ['status "published"', { status: 'published' }, ['status']],
    ['progress 101 %', { progressPercent: 101 }, ['progressPercent']],
    ['an override of -1', { progressOverride: -1 }, ['progressOverride']],
    [
      'a history entry of an unknown action',
      {
        history: [
          { at: new Date(), byName: 'x', action: 'deleted', text: 't', progressPercent: 50 },
        ],
      },
      ['history.0.action'],
    ],
    [
      'an item without reach',
      { items: [{ postId: id(), platform: 'x', title: 't', reachMetric: 'm', passed: false }] },
      ['items.0.reach'],
    ],
  ])('%s', async (_label, patch, paths) => {
    expect(await invalidPaths(models.Report, { ...validReport(), ...patch })).toEqual(paths);
  });
});

describe('reportObjectId', () => {
  it('is one id per project and month: the same inputs, the same id; another project, another', () => {
    const a = reportObjectId(DEFAULT_PROJECT_ID, '2021-06');
    expect(String(reportObjectId(String(DEFAULT_PROJECT_ID), '2021-06'))).toBe(String(a));
    expect(String(reportObjectId(DEFAULT_PROJECT_ID, '2021-07'))).not.toBe(String(a));
    expect(String(reportObjectId(projectObjectId('clips'), '2021-06'))).not.toBe(String(a));
  });
});

describe('harvest_runs', () => {
  const validRun = () => ({
    jobId: 'harvest:facebook:acc1:2021-06-01T03:00',
    platform: 'facebook',
    accountId: id(),
    startedAt: new Date(),
  });
  it.each([
    ['a run just started', {}, []],
    ['no job id', { jobId: undefined }, ['jobId']],
    ['a negative API call count', { apiCalls: -1 }, ['apiCalls']],
    ['status "exploded"', { status: 'exploded' }, ['status']],
  ])('%s', async (_label, patch, paths) => {
    expect(await invalidPaths(models.HarvestRun, { ...validRun(), ...patch })).toEqual(paths);
  });
});
