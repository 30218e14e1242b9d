/**
 * Story roll-ups and the year's figures, written as each discovery or harvest batch lands. All of
 * a fiscal year's story and figure writes go through one Redis lock, so two batches (or two
 * collector processes) never interleave a read-compute-write of the same story or of the year's
 * counts; every read and write inside is by `_id`.
 */
import {
  CHANNELS,
  countedStoryReach,
  encodeEvent,
  platformCounts,
  storyPasses,
  type Platform,
  type StoryChangedEvent,
} from '@reachline/shared';
import {
  kpiFiguresId,
  periodFieldsOf,
  type MonthFigures,
  type StoryMember,
} from '@reachline/shared/models';
import { Types } from 'mongoose';
import { withLock } from '../lock';
import type { CollectorContext } from './context';

/**
 * `add`: a post joins (or founds, when the story does not exist yet) a story; its title is used
 * only when founding. `reach`: a member's latest reach changed.
 */
export type StoryChange =
  | {
      kind: 'add';
      storyId: Types.ObjectId;
      title: string;
      titleKey: string;
      publishedAt: Date;
      post: { postId: Types.ObjectId; platform: Platform; reach: number | null };
    }
  | { kind: 'reach'; storyId: Types.ObjectId; postId: Types.ObjectId; reach: number };

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
  ctx: CollectorContext,
  year: ProjectYear,
  changes: readonly StoryChange[],
  at: Date,
): Promise<StoryChangedEvent[]> {
  if (changes.length === 0) return Promise.resolve([]);
  return withYearLock(ctx, year, () => applyStoryChangesLocked(ctx, year, changes, at));
}

/** Runs `work` holding a project-year's lock (its stories, title keys and figures). */
export function withYearLock<T>(
  ctx: CollectorContext,
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
  ctx: CollectorContext,
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
    // Read every story of the batch at once (by `_id`: `$in` would scan on the embedded store),
    // write them in one bulkWrite: the lock is held for a few round trips, not two per story.
    const groups = [...byStory.values()];
    const current = await Promise.all(groups.map((g) => Story.findById(g[0]!.storyId).lean()));
    const storyOps = [];
    /** Imported posts whose story now holds the discovered post instead. */
    const superseded: string[] = [];
    for (const [index, storyChanges] of groups.entries()) {
      const storyId = storyChanges[0]!.storyId;
      const story = current[index];
      const founding = storyChanges.find((c) => c.kind === 'add');
      if (!story && !founding) continue; // the story was removed by an editor meanwhile
      const members: Record<string, StoryMember> = {
        ...((story?.members as unknown as Record<string, StoryMember>) ?? {}),
      };
      let publishedAt = story?.publishedAt ?? founding!.publishedAt;
      for (const c of storyChanges) {
        if (c.kind === 'reach') {
          const m = members[String(c.postId)];
          if (m) m.reach = c.reach;
        } else {
          // The same post imported from a record before (same platform, same story): the found
          // post takes its place, and its number until the first harvest answers.
          let reach = c.post.reach;
          for (const [id, m] of Object.entries(members)) {
            if (!m.imported || m.platform !== c.post.platform || id === String(c.post.postId))
              continue;
            reach ??= m.reach;
            delete members[id];
            superseded.push(id);
          }
          members[String(c.post.postId)] = {
            platform: c.post.platform,
            reach,
            counted: platformCounts(c.post.platform, settings.countedPlatforms),
          };
          if (c.publishedAt < publishedAt) publishedAt = c.publishedAt;
        }
      }
      const reach = countedStoryReach(
        Object.values(members),
        settings.countedPlatforms,
        settings.storyReach,
      );
      const passed = storyPasses(reach, settings.threshold);
      const crossedThresholdAt = story?.crossedThresholdAt ?? (passed ? at : null);
      const period = periodFieldsOf(publishedAt);
      const postIds = Object.keys(members);
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
  ctx: CollectorContext,
  events: readonly StoryChangedEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const multi = ctx.redis.multi();
  for (const e of events) multi.publish(CHANNELS.storyChanged, encodeEvent(e));
  await multi.exec();
}
