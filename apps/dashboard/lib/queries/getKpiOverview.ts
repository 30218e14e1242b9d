import 'server-only';
import {
  DEFAULT_KPI_TARGETS,
  percentOf,
  quotaProgress,
  quotaStories,
  type Platform,
  type QuotaProgress,
  type StoryReachMode,
} from '@reachline/shared';
import { kpiFiguresId } from '@reachline/shared/models';
import { Types } from 'mongoose';
import { getStore } from '../db';
import { cachedFor, SMALL_CACHE_TTL_MS } from '../smallCache';

export interface KpiOverview {
  fiscalYear: number;
  threshold: number;
  targetPercent: number;
  targetStories: number;
  published: number;
  passed: number;
  /** passed / published as a percentage rounded to two decimals, null when nothing was published. */
  passRatePercent: number | null;
  quota: number;
  quotaProgress: QuotaProgress;
  /** By month key: the figures the collector keeps. */
  months: Record<string, { published: number; passed: number }>;
  /** When the collector last changed these figures (null: never), on the collector's clock. */
  figuresUpdatedAt: Date | null;
  /** Whose numbers make a story's reach this year (empty: every platform), and how combined. */
  countedPlatforms: Platform[];
  storyReach: StoryReachMode;
}

/**
 * A project's KPI for a fiscal year from two small documents: its settings (by project and year,
 * a collection of a few rows) and its figures (`kpi_figures`, by `_id`), which the collector keeps
 * current as each batch lands. Never counts stories, never reads snapshots.
 */
export async function getKpiOverview(projectId: string, fiscalYear: number): Promise<KpiOverview> {
  const { models } = await getStore();
  const project = new Types.ObjectId(projectId);
  const [settings, figures] = await Promise.all([
    cachedFor(`settings:${projectId}:${fiscalYear}`, SMALL_CACHE_TTL_MS, () =>
      models.KpiSettings.findOne({ projectId: project, fiscalYear }).lean().exec(),
    ),
    models.KpiFigures.findById(kpiFiguresId(fiscalYear, project)).lean(),
  ]);
  const threshold = settings?.threshold ?? DEFAULT_KPI_TARGETS.threshold;
  const targetPercent = settings?.targetPercent ?? DEFAULT_KPI_TARGETS.targetPercent;
  const targetStories = settings?.targetStories ?? DEFAULT_KPI_TARGETS.targetStories;
  const published = figures?.published ?? 0;
  const passed = figures?.passed ?? 0;
  const quota = quotaStories(targetPercent, targetStories);
  const months =
    figures?.months instanceof Map
      ? Object.fromEntries(figures.months)
      : ((figures?.months as unknown as KpiOverview['months'] | undefined) ?? {});
  return {
    fiscalYear,
    threshold,
    targetPercent,
    targetStories,
    published,
    passed,
    passRatePercent: percentOf(passed, published),
    quota,
    quotaProgress: quotaProgress(passed, quota),
    months,
    figuresUpdatedAt: figures?.updatedAt ?? null,
    countedPlatforms: [...(settings?.countedPlatforms ?? [])],
    storyReach: settings?.storyReach ?? DEFAULT_KPI_TARGETS.storyReach,
  };
}
