import 'server-only';
import type { KpiSettingsDoc } from '@reachline/shared/models';
import { getStore } from '../db';

export interface AdminProjectRow {
  id: string;
  slug: string;
  name: string;
  nameEn: string;
  order: number;
  /** Fiscal years with stored settings, ascending. */
  years: number[];
}

/** Every project in rule order, with the years that have settings (both collections are small). */
export async function listAdminProjects(): Promise<AdminProjectRow[]> {
  const { models } = await getStore();
  const [projects, settings] = await Promise.all([
    models.Project.find({}).lean(),
    models.KpiSettings.find({}, { projectId: 1, fiscalYear: 1 }).lean(),
  ]);
  return projects
    .map((p) => ({
      id: String(p._id),
      slug: p.slug,
      name: p.name,
      nameEn: p.nameEn ?? '',
      order: p.order ?? 0,
      years: settings
        .filter((s) => String(s.projectId) === String(p._id))
        .map((s) => s.fiscalYear)
        .sort((a, b) => a - b),
    }))
    .sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}

export type YearSettingsView = Pick<
  KpiSettingsDoc,
  | 'fiscalYear'
  | 'threshold'
  | 'targetStories'
  | 'targetPercent'
  | 'countedPlatforms'
  | 'storyReach'
  | 'infographicRule'
  | 'reportTemplate'
  | 'reportItemTemplate'
  | 'reportNoPostsTemplate'
  | 'reportUnit'
  | 'reportReachLabel'
>;

/** One project's settings for one year, or null when that year was never configured. */
export async function adminYearSettings(
  projectId: string,
  fiscalYear: number,
): Promise<YearSettingsView | null> {
  const { models } = await getStore();
  const doc = await models.KpiSettings.findOne({ projectId, fiscalYear }).lean();
  if (!doc) return null;
  return {
    fiscalYear: doc.fiscalYear,
    threshold: doc.threshold,
    targetStories: doc.targetStories,
    targetPercent: doc.targetPercent,
    countedPlatforms: doc.countedPlatforms ?? [],
    storyReach: doc.storyReach,
    infographicRule: {
      hashtags: doc.infographicRule?.hashtags ?? [],
      keywords: doc.infographicRule?.keywords ?? [],
      mediaTypes: doc.infographicRule?.mediaTypes ?? [],
    },
    reportTemplate: doc.reportTemplate ?? '',
    reportItemTemplate: doc.reportItemTemplate ?? '',
    reportNoPostsTemplate: doc.reportNoPostsTemplate ?? '',
    reportUnit: doc.reportUnit ?? 'คน',
    reportReachLabel: doc.reportReachLabel ?? 'ยอดการเข้าถึง',
  };
}
