/**
 * An editor's number for a post the API has not reached yet stands for it (story and year
 * figures follow), and gives way to the API's number when a harvest answers; both snapshots stay.
 */
import { kpiFiguresId, snapshotId, type PostDoc } from '@reachline/shared/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterManualReach } from '@reachline/shared/store';
import { startTestCollector, type TestCollector } from '../helpers/collector';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
let c: TestCollector;
const at = new Date('2021-04-29T12:00:00+07:00');

beforeAll(async () => {
  c = await startTestCollector(db, { start: at });
  await c.models.KpiSettings.create({
    fiscalYear: 2564,
    infographicRule: { hashtags: ['อินโฟกราฟิกกทม'], keywords: [] },
    countedPlatforms: ['facebook'],
  });
  // Discovery only: the posts exist, nothing is harvested yet.
  await c.runtime.pipeline.tickDiscovery();
  await c.runtime.pipeline.drain();
}, 120_000);

afterAll(async () => {
  await c?.close();
});

describe('manual reach', () => {
  let post: PostDoc;

  it('stands for a post with no API value: the story and the year follow', async () => {
    const candidates = await c.models.Post.find({
      platform: 'facebook',
      isInfographic: true,
      'period.monthKey': '2021-04',
    }).lean();
    expect(candidates.length).toBeGreaterThan(0);
    post = candidates[0] as PostDoc;
    expect(post.latestReach).toBeNull();
    const before = await c.models.KpiFigures.findById(kpiFiguresId(2564)).lean();

    const result = await enterManualReach(c.runtime.ctx, {
      postId: post._id,
      reach: 4321,
      at: new Date('2021-04-28T10:00:00+07:00'),
    });
    expect(result.used).toBe(true);
    const story = await c.models.Story.findById(post.storyId).lean();
    expect(story).toMatchObject({ reach: 4321, passed: true });
    const after = await c.models.KpiFigures.findById(kpiFiguresId(2564)).lean();
    expect(after!.passed).toBe(before!.passed + 1);
    const stored = await c.models.Post.findById(post._id).lean();
    expect(stored).toMatchObject({ latestReach: 4321, latestReachSource: 'manual' });
  });

  it('gives way to the API value, and both snapshots are kept', async () => {
    await c.step(); // harvest at the report date: the simulator's number for the post
    const stored = await c.models.Post.findById(post._id).lean();
    expect(stored?.latestReachSource).toBe('api');
    expect(stored?.latestReach).not.toBe(4321);
    const catalog = await c.admin.posts({ platform: 'facebook', limit: 1000 });
    const simPost = catalog.posts.find((p) => p.id === post.externalId);
    expect(stored?.latestReach).toBe(simPost?.finalReach); // 2021-04-29 is its report date
    const story = await c.models.Story.findById(post.storyId).lean();
    expect(story?.reach).toBe(stored?.latestReach);
    const snapshots = await c.models.ReachSnapshot.find({ postId: post._id }).lean();
    expect(snapshots.map((s) => s.source).sort()).toEqual(['api', 'manual']);
    expect(snapshots.find((s) => s.source === 'manual')?._id).toBe(
      snapshotId(post._id, 'manual:2021-04-28T03:00:00.000Z'),
    );
  });

  it('is refused when it is not a whole number, and changes nothing', async () => {
    await expect(
      enterManualReach(c.runtime.ctx, { postId: post._id, reach: -5, at }),
    ).rejects.toThrow('reach must be a whole number of people, 0 or more.');
    const stored = await c.models.Post.findById(post._id).lean();
    expect(stored?.latestReachSource).toBe('api');
  });

  it('keeps an API value when a manual number comes later', async () => {
    const apiReach = (await c.models.Post.findById(post._id).lean())!.latestReach;
    const r = await enterManualReach(c.runtime.ctx, { postId: post._id, reach: 1, at });
    expect(r.used).toBe(false);
    expect((await c.models.Post.findById(post._id).lean())!.latestReach).toBe(apiReach);
  });
});
