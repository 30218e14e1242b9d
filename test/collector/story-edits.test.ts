/**
 * Editors' story edits through the collector's own roll-up (@reachline/shared/store): a post taken
 * out of or into its story's count (and the override surviving the next harvest), a cross-post
 * split into its own story and grouped back; the year's figures follow at each step, events are
 * published, and a refused edit changes nothing.
 */
import {
  CHANNELS,
  countedStoryReach,
  decodeEvent,
  storyPasses,
  type StoryChangedEvent,
} from '@reachline/shared';
import { kpiFiguresId, type StoryDoc, type StoryMember } from '@reachline/shared/models';
import { movePostToStory, setCountOverride, StoryEditError } from '@reachline/shared/store';
import { Redis } from 'ioredis';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from '../helpers/collector';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
let c: TestCollector;
let sub: Redis;
const events: StoryChangedEvent[] = [];
const at = new Date('2021-04-29T12:00:00+07:00');

const figures = async () => (await c.models.KpiFigures.findById(kpiFiguresId(2564)).lean())!;
const storyOf = async (id: Types.ObjectId) => c.models.Story.findById(id).lean();
const membersOf = (s: StoryDoc) => s.members as unknown as Record<string, StoryMember>;

beforeAll(async () => {
  c = await startTestCollector(db, { start: at });
  await c.models.KpiSettings.create({
    fiscalYear: 2564,
    infographicRule: { hashtags: ['อินโฟกราฟิกกทม'], keywords: [] },
    countedPlatforms: ['facebook'],
  });
  await c.step();
  sub = new Redis(db.redisUrl);
  await sub.subscribe(CHANNELS.storyChanged);
  sub.on('message', (channel: string, message: string) => {
    const e = decodeEvent(channel, message);
    if (e?.type === 'story-changed') events.push(e);
  });
}, 180_000);

afterAll(async () => {
  sub?.disconnect();
  await c?.close();
});

describe('story edits', () => {
  let story: StoryDoc;
  let facebookId: Types.ObjectId;
  let otherId: Types.ObjectId;

  it('finds a harvested cross-post story that passed on Facebook', async () => {
    const stories = await c.models.Story.find({ 'period.monthKey': '2021-04' }).lean();
    const found = stories.find((s) => {
      const m = Object.values(membersOf(s));
      return s.passed && m.length >= 2 && m.some((x) => x.platform === 'facebook');
    });
    expect(found).toBeDefined();
    story = found!;
    const entries = Object.entries(membersOf(story));
    facebookId = story.postIds.find((id) => membersOf(story)[String(id)]!.platform === 'facebook')!;
    otherId = story.postIds.find((id) => String(id) !== String(facebookId))!;
    expect(entries.find(([, m]) => m.platform !== 'facebook')?.[1].counted).toBe(false);
    expect(story.reach).toBe(membersOf(story)[String(facebookId)]!.reach);
  });

  it('takes the Facebook post out of the count: reach, passed and the figures follow', async () => {
    const before = await figures();
    await setCountOverride(c.runtime.ctx, { postId: facebookId, override: 'out', at });
    const after = (await storyOf(story._id))!;
    const members = membersOf(after);
    expect(after.reach).toBe(0);
    expect(after.passed).toBe(false);
    expect(after.crossedThresholdAt).toEqual(story.crossedThresholdAt); // never cleared
    expect(members[String(facebookId)]).toMatchObject({ counted: false, countOverride: 'out' });
    expect((await c.models.Post.findById(facebookId).lean())!.countOverride).toBe('out');
    const f = await figures();
    expect(f.published).toBe(before.published);
    expect(f.passed).toBe(before.passed - 1);
    await expect
      .poll(() => events.some((e) => e.storyId === String(story._id) && !e.passed))
      .toBe(true);
  });

  it('keeps the override through the next harvest', async () => {
    const later = new Date('2021-05-01T12:00:00+07:00');
    await c.setTime(later);
    await c.step();
    const after = (await storyOf(story._id))!;
    expect(membersOf(after)[String(facebookId)]).toMatchObject({ counted: false });
    expect(after.reach).toBe(0);
    expect(after.passed).toBe(false);
  });

  it('takes the other post into the count, then gives both back to the rule', async () => {
    await setCountOverride(c.runtime.ctx, { postId: otherId, override: 'in', at });
    let s = (await storyOf(story._id))!;
    expect(s.reach).toBe(membersOf(s)[String(otherId)]!.reach ?? 0);
    await setCountOverride(c.runtime.ctx, { postId: otherId, override: null, at });
    await setCountOverride(c.runtime.ctx, { postId: facebookId, override: null, at });
    s = (await storyOf(story._id))!;
    const members = Object.values(membersOf(s));
    expect(s.reach).toBe(countedStoryReach(members, ['facebook'], 'sum'));
    expect(s.passed).toBe(storyPasses(s.reach, s.threshold));
    expect(s.passed).toBe(true);
    const stored = await c.models.Story.find({ 'period.fiscalYear': 2564 }).lean();
    const f = await figures();
    expect(f.published).toBe(stored.length);
    expect(f.passed).toBe(stored.filter((x) => x.passed).length);
  });

  it('splits the other post into its own story, then groups it back', async () => {
    const before = await figures();
    const split = await movePostToStory(c.runtime.ctx, { postId: otherId, to: 'own', at });
    // A story founded by a post takes the post's id, unless the post founded the story it leaves.
    const foundedByOther = String(story._id) === String(otherId);
    expect(String(split.targetStoryId) === String(otherId)).toBe(!foundedByOther);
    expect(String(split.targetStoryId)).not.toBe(String(story._id));
    expect(split.deletedStoryId).toBeNull();
    const own = (await storyOf(split.targetStoryId))!;
    expect(own.postIds.map(String)).toEqual([String(otherId)]);
    expect((await c.models.Post.findById(otherId).lean())!.storyId).toEqual(split.targetStoryId);
    const left = (await storyOf(story._id))!;
    expect(left.postIds.map(String).sort()).toEqual(
      story.postIds
        .map(String)
        .filter((id) => id !== String(otherId))
        .sort(),
    );
    expect(left.reach).toBe(membersOf(left)[String(facebookId)]!.reach);
    expect((await figures()).published).toBe(before.published + 1);

    await expect(
      movePostToStory(c.runtime.ctx, { postId: otherId, to: 'own', at }),
    ).rejects.toThrow(StoryEditError);

    const back = await movePostToStory(c.runtime.ctx, { postId: otherId, to: story._id, at });
    expect(back.deletedStoryId).toEqual(split.targetStoryId);
    expect(await storyOf(split.targetStoryId)).toBeNull();
    const whole = (await storyOf(story._id))!;
    expect(whole.postIds.map(String).sort()).toEqual(story.postIds.map(String).sort());
    expect(whole.reach).toBe(membersOf(whole)[String(facebookId)]!.reach);
    expect(whole.passed).toBe(true);
    const f = await figures();
    expect(f.published).toBe(before.published);
    expect(f.passed).toBe(before.passed);
    await expect
      .poll(() => events.some((e) => e.storyId === String(split.targetStoryId) && e.reach === 0))
      .toBe(true);
  });

  it('refuses impossible moves with one sentence and changes nothing', async () => {
    const before = await figures();
    const cases: [Parameters<typeof movePostToStory>[1], string][] = [
      [{ postId: otherId, to: story._id, at }, 'The post is already in that story.'],
      [{ postId: otherId, to: new Types.ObjectId(), at }, 'There is no such story.'],
    ];
    for (const [input, sentence] of cases) {
      await expect(movePostToStory(c.runtime.ctx, input)).rejects.toThrow(sentence);
    }
    expect(await figures()).toEqual(before);
    expect((await c.models.Post.findById(otherId).lean())!.storyId).toEqual(story._id);
  });
});
