import 'server-only';
import {
  DEFAULT_KPI_TARGETS,
  percentOf,
  quotaProgress,
  quotaStories,
  type QuotaProgress,
} from '@reachline/shared';
import { DEFAULT_PROJECT_ID } from '@reachline/shared/models';
import { getStore } from '../db';

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
}

/**
 * The year's KPI of the office's infographic project from precomputed story fields: two counts,
 * never a scan of snapshots. (Project switching comes with the dashboard issue.)
 */
export async function getKpiOverview(fiscalYear: number): Promise<KpiOverview> {
  const { models } = await getStore();
  const projectId = DEFAULT_PROJECT_ID;
  const settings = await models.KpiSettings.findOne({ projectId, fiscalYear }).lean();
  const threshold = settings?.threshold ?? DEFAULT_KPI_TARGETS.threshold;
  const targetPercent = settings?.targetPercent ?? DEFAULT_KPI_TARGETS.targetPercent;
  const targetStories = settings?.targetStories ?? DEFAULT_KPI_TARGETS.targetStories;
  const [published, passed] = await Promise.all([
    models.Story.countDocuments({ projectId, 'period.fiscalYear': fiscalYear }),
    models.Story.countDocuments({ projectId, 'period.fiscalYear': fiscalYear, passed: true }),
  ]);
  const quota = quotaStories(targetPercent, targetStories);
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
  };
}
