/**
 * Editors' changes to stories: a post taken into or out of its story's count, a cross-post moved
 * into another story or split out into its own. Each one runs under the project-year's lock and
 * through the same roll-up as a harvest (rollup.ts), so the story's reach, `passed`, the year's
 * figures and the events come out exactly as the collector would write them; the post's own
 * fields (`countOverride`, `storyId`) are written inside the same lock, so the next harvest's
 * roll-up sees them.
 */
import { Types } from 'mongoose';
import type { StoryChangedEvent } from '../events';
import { DEFAULT_PROJECT_ID, type StoryDoc } from '../models/index';
import { normaliseTitle, type CountOverride } from '../storyRules';
import {
  applyStoryChangesLocked,
  publishStoryEvents,
  withYearLock,
  type ProjectYear,
  type RollupContext,
  type StoryChange,
} from './rollup';

export const STORY_EDIT_PROBLEMS = [
  'postNotFound',
  'postNotInStory',
  'storyNotFound',
  'sameStory',
  'otherProjectYear',
  'alreadyAlone',
] as const;
export type StoryEditProblem = (typeof STORY_EDIT_PROBLEMS)[number];

const SENTENCES: Record<StoryEditProblem, string> = {
  postNotFound: 'There is no such post.',
  postNotInStory: 'This post belongs to no story.',
  storyNotFound: 'There is no such story.',
  sameStory: 'The post is already in that story.',
  otherProjectYear: 'A post can only move to a story of the same project and fiscal year.',
  alreadyAlone: 'The post is already the only post of its story.',
};

/** A change an editor asked for that cannot be made; nothing was written. */
export class StoryEditError extends Error {
  override name = 'StoryEditError';
  constructor(readonly problem: StoryEditProblem) {
    super(SENTENCES[problem]);
  }
}

export interface StoryEditResult {
  /** The stories the change touched (a deleted one included). */
  storyIds: Types.ObjectId[];
  /** Set when the post's old story lost its last post and was deleted. */
  deletedStoryId: Types.ObjectId | null;
}

function yearOfStory(story: Pick<StoryDoc, 'projectId' | 'period'>): ProjectYear {
  return {
    projectId: story.projectId ?? DEFAULT_PROJECT_ID,
    fiscalYear: story.period.fiscalYear,
  };
}

const sameYear = (a: ProjectYear, b: ProjectYear) =>
  String(a.projectId) === String(b.projectId) && a.fiscalYear === b.fiscalYear;

/** The post and its story, read by `_id`, or the reason there is none. */
async function postAndStory(ctx: RollupContext, postId: Types.ObjectId) {
  const post = await ctx.models.Post.findById(postId).lean();
  if (!post) throw new StoryEditError('postNotFound');
  if (!post.storyId) throw new StoryEditError('postNotInStory');
  const story = await ctx.models.Story.findById(post.storyId).lean();
  if (!story) throw new StoryEditError('postNotInStory');
  return { post, story };
}

/**
 * Every touched story gets one event, even when its reach and pass state stayed (a member's
 * `counted` flag or its post list changed), so open pages and read models re-read it.
 */
async function eventsForEveryStory(
  ctx: RollupContext,
  storyIds: readonly Types.ObjectId[],
  events: StoryChangedEvent[],
  at: Date,
): Promise<StoryChangedEvent[]> {
  const out = [...events];
  for (const id of storyIds) {
    if (out.some((e) => e.storyId === String(id))) continue;
    const story = await ctx.models.Story.findById(id).lean();
    if (!story) continue;
    out.push({
      type: 'story-changed',
      storyId: String(id),
      fiscalYear: story.period.fiscalYear,
      monthKey: story.period.monthKey,
      reach: story.reach,
      passed: story.passed,
      crossedThreshold: false,
      at: at.toISOString(),
    });
  }
  return out;
}

/**
 * Takes a post into its story's count ('in'), out of it ('out'), or back to the year's counting
 * rule (null). The override is kept on the post and in the story member, so every later roll-up
 * (each harvest) honours it.
 */
export async function setCountOverride(
  ctx: RollupContext,
  input: { postId: Types.ObjectId; override: CountOverride | null; at: Date },
): Promise<StoryEditResult> {
  const first = await postAndStory(ctx, input.postId);
  const year = yearOfStory(first.story);
  const { storyId, events } = await withYearLock(ctx, year, async () => {
    // Read again under the lock: another editor may have moved the post meanwhile.
    const { post, story } = await postAndStory(ctx, input.postId);
    if (!sameYear(yearOfStory(story), year)) throw new StoryEditError('otherProjectYear');
    await ctx.models.Post.updateOne({ _id: post._id }, { $set: { countOverride: input.override } });
    const changes: StoryChange[] = [
      { kind: 'count', storyId: story._id, postId: post._id, override: input.override },
    ];
    const out = await applyStoryChangesLocked(ctx, year, changes, input.at);
    return { storyId: story._id, events: out };
  });
  await publishStoryEvents(ctx, await eventsForEveryStory(ctx, [storyId], events, input.at));
  return { storyIds: [storyId], deletedStoryId: null };
}

/**
 * Moves a post into another story of the same project and fiscal year (grouping a cross-post), or,
 * with `to: 'own'`, out into a story of its own (splitting). The story it leaves is recomputed
 * (its publication date is its remaining posts' earliest) or, left with no post, deleted.
 */
export async function movePostToStory(
  ctx: RollupContext,
  input: { postId: Types.ObjectId; to: Types.ObjectId | 'own'; at: Date },
): Promise<StoryEditResult & { targetStoryId: Types.ObjectId }> {
  const { Post, Story } = ctx.models;
  const first = await postAndStory(ctx, input.postId);
  const year = yearOfStory(first.story);
  const result = await withYearLock(ctx, year, async () => {
    const { post, story: source } = await postAndStory(ctx, input.postId);
    if (!sameYear(yearOfStory(source), year)) throw new StoryEditError('otherProjectYear');
    let targetId: Types.ObjectId;
    if (input.to === 'own') {
      if (source.postIds.length <= 1) throw new StoryEditError('alreadyAlone');
      // A story founded by a post takes that post's id, unless that id is taken (the post
      // founded the story it is leaving): then a fresh one.
      targetId = (await Story.findById(post._id, { _id: 1 }).lean())
        ? new Types.ObjectId()
        : post._id;
    } else {
      if (String(input.to) === String(source._id)) throw new StoryEditError('sameStory');
      const target = await Story.findById(input.to, { projectId: 1, period: 1 }).lean();
      if (!target) throw new StoryEditError('storyNotFound');
      if (!sameYear(yearOfStory(target), year)) throw new StoryEditError('otherProjectYear');
      targetId = target._id;
    }
    // The story it leaves dates from its remaining posts' earliest publication.
    let remainingEarliest: Date | null = null;
    for (const id of source.postIds) {
      if (String(id) === String(post._id)) continue;
      const other = await Post.findById(id, { publishedAt: 1 }).lean();
      if (other && (!remainingEarliest || other.publishedAt < remainingEarliest))
        remainingEarliest = other.publishedAt;
    }
    const changes: StoryChange[] = [
      { kind: 'remove', storyId: source._id, postId: post._id, publishedAt: remainingEarliest },
      {
        kind: 'add',
        storyId: targetId,
        title: post.title,
        titleKey: normaliseTitle(post.title),
        publishedAt: post.publishedAt,
        post: {
          postId: post._id,
          platform: post.platform,
          reach: post.latestReach,
          countOverride: post.countOverride ?? null,
          crossedThresholdAt: post.crossedThresholdAt,
        },
        keepImported: true,
      },
    ];
    const events = await applyStoryChangesLocked(ctx, year, changes, input.at);
    await Post.updateOne({ _id: post._id }, { $set: { storyId: targetId } });
    const deleted = (await Story.findById(source._id, { _id: 1 }).lean()) ? null : source._id;
    return { sourceId: source._id, targetId, deleted, events };
  });
  const storyIds = [result.sourceId, result.targetId];
  await publishStoryEvents(ctx, await eventsForEveryStory(ctx, storyIds, result.events, input.at));
  return { storyIds, deletedStoryId: result.deleted, targetStoryId: result.targetId };
}
