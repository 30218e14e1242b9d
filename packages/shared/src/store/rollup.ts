/**
 * Story roll-ups and the year's figures, written as each discovery or harvest batch lands. All of
 * a fiscal year's story and figure writes go through one Redis lock, so two batches (or two
 * collector processes) never interleave a read-compute-write of the same story or of the year's
 * counts; every read and write inside is by `_id`.
 */
import type { Redis } from 'ioredis';
import { Types } from 'mongoose';
import { encodeEvent, CHANNELS, type StoryChangedEvent } from '../events';
import type { StoryReachMode } from '../kpi';
import {
  findByIds,
  kpiFiguresId,
  periodFieldsOf,
  type MonthFigures,
  type ReachlineModels,
  type StoryMember,
} from '../models/index';
import type { Platform } from '../platforms';
import { countedStoryReach, memberCounts, type CountOverride } from '../storyRules';
import { storyPasses } from '../kpi';
import { withLock } from './lock';

/** The part of a year's settings the roll-up applies. */
export interface CountingSettings {
  threshold: number;
  storyReach: StoryReachMode;
  countedPlatforms: Platform[];
}

/**
 * What the roll-up needs (the collector's context has it all; the dashboard builds one per
 * editor action): the store, Redis for the lock and the events, the deployment's key prefix, and
 * the years' settings.
 */
export interface RollupContext {
  models: ReachlineModels;
  redis: Redis;
  /** Redis key prefix of this deployment (QUEUE_PREFIX): the collector and dashboard share it. */
  prefix: string;
  settings: { get(fiscalYear: number, projectId?: Types.ObjectId): Promise<CountingSettings> };
}

/**
 * `add`: a post joins (or founds, when the story does not exist yet) a story; its title is used
 * only when founding, and `crossedThresholdAt` (the post's own) only when a founded story passes
 * at once. `reach`: a member's latest reach changed. `count`: an editor's in/out for a member.
 * `remove`: a member leaves (an editor moved it); `publishedAt` is the earliest of the posts that
 * stay, and a story left with no member is deleted.
 */
export type StoryChange =
  | {
      kind: 'add';
      storyId: Types.ObjectId;
      title: string;
      titleKey: string;
      publishedAt: Date;
      post: {
        postId: Types.ObjectId;
        platform: Platform;
        reach: number | null;
        countOverride?: CountOverride | null;
        crossedThresholdAt?: Date | null;
      };
      /** An editor's move: an imported member of the same platform stays (it is not this post). */
      keepImported?: boolean;
    }
  | { kind: 'reach'; storyId: Types.ObjectId; postId: Types.ObjectId; reach: number }
  | {
      kind: 'count';
      storyId: Types.ObjectId;
      postId: Types.ObjectId;
      override: CountOverride | null;
    }
  | { kind: 'remove'; storyId: Types.ObjectId; postId: Types.ObjectId; publishedAt: Date | null };

interface Figures {
  published: number;
  passed: number;
  months: Record<string, MonthFigures>;
}

function bump(figures: Figures, monthKey: string, published: number, passed: number): void {
  const month = (figures.months[monthKey] ??= { published: 0, passed: 0 });
  month.published += published;
  month.passed += passed;
  figures.published += published;
  figures.passed += passed;
}

/**
 * Applies the changes of one fiscal year's stories, then its figures; returns one event per
 * story whose reach or pass state changed (published by the caller after its other writes).
 */
/** A project's fiscal year: the unit of stories, figures and locking. */
export interface ProjectYear {
  projectId: Types.ObjectId;
  fiscalYear: number;
}

export function applyStoryChanges(
  ctx: RollupContext,
  year: ProjectYear,
  changes: readonly StoryChange[],
  at: Date,
): Promise<StoryChangedEvent[]> {
  if (changes.length === 0) return Promise.resolve([]);
  return withYearLock(ctx, year, () => applyStoryChangesLocked(ctx, year, changes, at));
}

/** Runs `work` holding a project-year's lock (its stories, title keys and figures). */
export function withYearLock<T>(
  ctx: RollupContext,
  year: ProjectYear,
  work: () => Promise<T>,
): Promise<T> {
  return withLock(
    ctx.redis,
    `${ctx.prefix}:lock:${String(year.projectId)}:fy${year.fiscalYear}`,
    work,
  );
}

/** applyStoryChanges for a caller that already holds the project-year's lock. */
export async function applyStoryChangesLocked(
  ctx: RollupContext,
  { projectId, fiscalYear }: ProjectYear,
  changes: readonly StoryChange[],
  at: Date,
): Promise<StoryChangedEvent[]> {
  if (changes.length === 0) return [];
  const { Story, KpiFigures } = ctx.models;
  const settings = await ctx.settings.get(fiscalYear, projectId);
  {
    const figuresId = kpiFiguresId(fiscalYear, projectId);
    const stored = await KpiFigures.findById(figuresId).lean();
    const figures: Figures = {
      published: stored?.published ?? 0,
      passed: stored?.passed ?? 0,
      months: { ...((stored?.months as unknown as Record<string, MonthFigures>) ?? {}) },
    };
    const byStory = new Map<string, StoryChange[]>();
    for (const c of changes) {
      const key = String(c.storyId);
      const list = byStory.get(key);
      if (list) list.push(c);
      else byStory.set(key, [c]);
    }
    const events: StoryChangedEvent[] = [];
    // Read every story of the batch in one command by `_id` (models/byIds.ts), write them in one
    // bulkWrite: the lock is held for a few round trips, not two per story.
    const groups = [...byStory.values()];
    const storedStories = await findByIds(
      Story,
      groups.map((g) => g[0]!.storyId),
    );
    const current = groups.map((g) => storedStories.get(String(g[0]!.storyId)));
    const storyOps = [];
    /** Imported posts whose story now holds the discovered post instead. */
    const superseded: string[] = [];
    for (const [index, storyChanges] of groups.entries()) {
      const storyId = storyChanges[0]!.storyId;
      const story = current[index];
      const founding = storyChanges.find((c) => c.kind === 'add');
      if (!story && !founding) continue; // the story was removed by an editor meanwhile
      // A harvest that read the numbers already stored changes nothing: no write, no event (a
      // post whose curve has flattened is read again and again at the same reach).
      if (
        story &&
        story.threshold === settings.threshold &&
        story.reachMode === settings.storyReach &&
        storyChanges.every((c) => {
          if (c.kind !== 'reach') return false;
          const m = (story.members as unknown as Record<string, StoryMember> | undefined)?.[
            String(c.postId)
          ];
          return m === undefined || m.reach === c.reach;
        })
      ) {
        continue;
      }
      const members: Record<string, StoryMember> = {
        ...((story?.members as unknown as Record<string, StoryMember>) ?? {}),
      };
      let publishedAt = story?.publishedAt ?? founding!.publishedAt;
      let foundingCrossedAt: Date | null = null;
      for (const c of storyChanges) {
        if (c.kind === 'reach') {
          const m = members[String(c.postId)];
          if (m) m.reach = c.reach;
        } else if (c.kind === 'count') {
          const m = members[String(c.postId)];
          if (m) {
            m.countOverride = c.override;
            m.counted = memberCounts(m, settings.countedPlatforms);
          }
        } else if (c.kind === 'remove') {
          delete members[String(c.postId)];
          if (c.publishedAt) publishedAt = c.publishedAt;
        } else {
          // The same post imported from a record before (same platform, same story): the found
          // post takes its place, and its number until the first harvest answers.
          let reach = c.post.reach;
          for (const [id, m] of Object.entries(members)) {
            if (
              c.keepImported ||
              !m.imported ||
              m.platform !== c.post.platform ||
              id === String(c.post.postId)
            )
              continue;
            reach ??= m.reach;
            delete members[id];
            superseded.push(id);
          }
          const member: StoryMember = {
            platform: c.post.platform,
            reach,
            counted: false,
            ...(c.post.countOverride ? { countOverride: c.post.countOverride } : {}),
          };
          member.counted = memberCounts(member, settings.countedPlatforms);
          members[String(c.post.postId)] = member;
          if (c.publishedAt < publishedAt) publishedAt = c.publishedAt;
          if (c.post.crossedThresholdAt) foundingCrossedAt = c.post.crossedThresholdAt;
        }
      }
      if (story && Object.keys(members).length === 0) {
        // Its last post was moved away: the story is gone, and so is its count in the figures.
        storyOps.push({ deleteOne: { filter: { _id: storyId } } });
        bump(figures, story.period.monthKey, -1, story.passed ? -1 : 0);
        events.push({
          type: 'story-changed',
          storyId: String(storyId),
          fiscalYear: story.period.fiscalYear,
          monthKey: story.period.monthKey,
          reach: 0,
          passed: false,
          crossedThreshold: false,
          at: at.toISOString(),
        });
        continue;
      }
      const reach = countedStoryReach(
        Object.values(members),
        settings.countedPlatforms,
        settings.storyReach,
      );
      const passed = storyPasses(reach, settings.threshold);
      // First time passed, never cleared; a story founded by an editor's split keeps the moment
      // its post first crossed the line, when the post had.
      const crossedThresholdAt =
        story?.crossedThresholdAt ?? (passed ? (story ? at : (foundingCrossedAt ?? at)) : null);
      const period = periodFieldsOf(publishedAt);
      const postIds = Object.keys(members).map((id) => new Types.ObjectId(id));
      const platforms = [...new Set(Object.values(members).map((m) => m.platform))];
      storyOps.push({
        updateOne: {
          filter: { _id: storyId },
          update: {
            $set: {
              projectId,
              publishedAt,
              period,
              members,
              postIds,
              platforms,
              reach,
              reachMode: settings.storyReach,
              threshold: settings.threshold,
              passed,
              crossedThresholdAt,
              ...(founding && !story
                ? {
                    title: founding.title.slice(0, 2000) || '(untitled)',
                    titleKey: founding.titleKey,
                  }
                : {}),
            },
          },
          upsert: true,
        },
      });
      if (story) bump(figures, story.period.monthKey, -1, story.passed ? -1 : 0);
      bump(figures, period.monthKey, 1, passed ? 1 : 0);
      if (!story || story.reach !== reach || story.passed !== passed) {
        events.push({
          type: 'story-changed',
          storyId: String(storyId),
          fiscalYear: period.fiscalYear,
          monthKey: period.monthKey,
          reach,
          passed,
          crossedThreshold: passed && !story?.crossedThresholdAt,
          at: at.toISOString(),
        });
      }
    }
    if (storyOps.length > 0) await Story.bulkWrite(storyOps, { ordered: true });
    for (const id of superseded) {
      await ctx.models.Post.updateOne({ _id: new Types.ObjectId(id) }, { $set: { storyId: null } });
    }
    await KpiFigures.updateOne(
      { _id: figuresId },
      {
        $set: {
          projectId,
          fiscalYear,
          published: figures.published,
          passed: figures.passed,
          months: figures.months,
          updatedAt: at,
        },
      },
      { upsert: true },
    );
    return events;
  }
}

/** One pub/sub message per changed story. */
export async function publishStoryEvents(
  ctx: RollupContext,
  events: readonly StoryChangedEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const multi = ctx.redis.multi();
  for (const e of events) multi.publish(CHANNELS.storyChanged, encodeEvent(e));
  await multi.exec();
}
