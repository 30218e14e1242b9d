import 'server-only';
import {
  type CountOverride,
  PLATFORMS,
  reachMetricOf,
  type Platform,
  type StoryReachMode,
} from '@reachline/shared';
import { findByIds, type HistoryPoint, type StoryMember } from '@reachline/shared/models';
import { YearSettingsCache } from '@reachline/shared/store';
import { Types } from 'mongoose';
import { getStore } from '../db';
import { getReadModel } from '../live/readModel';

export interface StoryPagePoint {
  at: Date;
  reach: number;
  source: 'api' | 'manual';
}

export interface StoryPagePost {
  id: string;
  platform: Platform;
  /** The platform metric that stands for reach (`reachMetricOf`). */
  metric: string;
  title: string;
  url: string | null;
  publishedAt: Date;
  latestReach: number | null;
  latestReachSource: 'api' | 'manual' | null;
  /** Whether its reach counts toward the story (the editor's override, else the year's rule). */
  counted: boolean;
  countOverride: CountOverride | null;
  /** Its chart points from `post_histories`, oldest first. */
  points: StoryPagePoint[];
}

export interface StoryPageData {
  id: string;
  projectId: string;
  title: string;
  publishedAt: Date;
  monthKey: string;
  fiscalYear: number;
  reach: number;
  reachMode: StoryReachMode;
  threshold: number;
  passed: boolean;
  crossedThresholdAt: Date | null;
  /** The year's counted platforms (empty: every platform). */
  countedPlatforms: Platform[];
  posts: StoryPagePost[];
  /** Other stories of the same project and month (for grouping), from the read model. */
  sameMonth: { id: string; title: string; publishedAt: Date }[];
}

export const STORY_ID = /^[0-9a-f]{24}$/;

// The year's settings change rarely; a few seconds' cache spares a read per page view.
const settingsCache = globalThis as typeof globalThis & {
  __reachlineStorySettings?: YearSettingsCache;
};

/**
 * One story as its page shows it, read by `_id` only: the story, each of its posts, and each
 * post's chart document (`post_histories`, kept current by the collector); never snapshots.
 * Null when the id is malformed or no such story exists.
 */
export async function getStoryPage(storyId: string): Promise<StoryPageData | null> {
  if (!STORY_ID.test(storyId)) return null;
  const { models } = await getStore();
  const story = await models.Story.findById(new Types.ObjectId(storyId)).lean();
  if (!story) return null;
  const members = (
    story.members instanceof Map ? Object.fromEntries(story.members) : (story.members ?? {})
  ) as Record<string, StoryMember>;
  const ids = story.postIds.map(String);
  const [postsById, historiesById] = await Promise.all([
    findByIds(models.Post, ids),
    findByIds(models.PostHistory, ids),
  ]);
  const posts = ids.map((id) => postsById.get(id) ?? null);
  const histories = ids.map((id) => historiesById.get(id) ?? null);
  settingsCache.__reachlineStorySettings ??= new YearSettingsCache(models, 5_000);
  const settings = await settingsCache.__reachlineStorySettings.get(
    story.period.fiscalYear,
    story.projectId,
  );

  const pagePosts: StoryPagePost[] = [];
  posts.forEach((post, i) => {
    if (!post) return;
    const history = histories[i];
    const rawPoints =
      history?.points instanceof Map
        ? Object.fromEntries(history.points)
        : ((history?.points as unknown as Record<string, HistoryPoint>) ?? {});
    const points = Object.values(rawPoints)
      .map((p) => ({ at: new Date(p.at), reach: p.reach, source: p.source }))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    const member = members[String(post._id)];
    pagePosts.push({
      id: String(post._id),
      platform: post.platform,
      metric: reachMetricOf(post.platform).metric,
      title: post.title,
      url: post.url,
      publishedAt: new Date(post.publishedAt),
      latestReach: post.latestReach,
      latestReachSource: post.latestReachSource,
      counted: member?.counted ?? false,
      countOverride: post.countOverride ?? null,
      points,
    });
  });
  pagePosts.sort(
    (a, b) =>
      PLATFORMS.indexOf(a.platform) - PLATFORMS.indexOf(b.platform) ||
      a.publishedAt.getTime() - b.publishedAt.getTime(),
  );

  const projectId = String(story.projectId);
  const sameMonth = [...(await getReadModel()).rows.values()]
    .filter(
      (r) => r.id !== storyId && r.projectId === projectId && r.monthKey === story.period.monthKey,
    )
    .sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime())
    .slice(0, 60)
    .map((r) => ({ id: r.id, title: r.title, publishedAt: r.publishedAt }));

  return {
    id: storyId,
    projectId,
    title: story.title,
    publishedAt: new Date(story.publishedAt),
    monthKey: story.period.monthKey,
    fiscalYear: story.period.fiscalYear,
    reach: story.reach,
    reachMode: story.reachMode,
    threshold: story.threshold,
    passed: story.passed,
    crossedThresholdAt: story.crossedThresholdAt ? new Date(story.crossedThresholdAt) : null,
    countedPlatforms: settings.countedPlatforms,
    posts: pagePosts,
    sameMonth,
  };
}
