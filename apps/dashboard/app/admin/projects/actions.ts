'use server';
import { DEFAULT_KPI_TARGETS } from '@reachline/shared';
import { projectObjectId } from '@reachline/shared/models';
import { revalidatePath } from 'next/cache';
import { done, failed, isDuplicateKey, refused } from '../../../lib/admin/answer';
import type { AdminFormState } from '../../../lib/admin/formState';
import { parseNewProject, parseNewYear, parseYearSettings } from '../../../lib/admin/validation';
import { requireRole } from '../../../lib/auth/guard';
import { getStore } from '../../../lib/db';
import { getI18n } from '../../../lib/i18n/server';
import { announceChange } from '../../../lib/live/readModel';

const PATH = '/admin/projects';

/** Adds a project; its `_id` comes from its slug, as the collector derives the default one. */
export async function addProject(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  await requireRole('admin', PATH);
  const { t } = await getI18n();
  const parsed = parseNewProject(form);
  if (!parsed.ok) return refused(t, parsed.problem);
  const { slug, name, nameEn, order } = parsed.value;
  try {
    const { models } = await getStore();
    const _id = projectObjectId(slug);
    if (await models.Project.exists({ _id })) return refused(t, { key: 'adminErrSlugTaken' });
    await models.Project.create({ _id, slug, name, nameEn, order });
  } catch (err) {
    if (isDuplicateKey(err)) return refused(t, { key: 'adminErrSlugTaken' });
    return failed(t, err);
  }
  announceChange();
  revalidatePath(PATH);
  return done(t('adminProjectAdded', { name }));
}

/**
 * Creates a year's settings: a copy of the latest earlier year's (when asked, the default) or
 * the default targets. kpi_settings holds one small document per project and year.
 */
export async function createYear(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  await requireRole('admin', PATH);
  const { t } = await getI18n();
  const parsed = parseNewYear(form);
  if (!parsed.ok) return refused(t, parsed.problem);
  const { projectSlug, fiscalYear, copy } = parsed.value;
  try {
    const { models } = await getStore();
    const projectId = projectObjectId(projectSlug);
    if (!(await models.Project.exists({ _id: projectId })))
      return refused(t, { key: 'adminErrProject' });
    const years = await models.KpiSettings.find({ projectId }).lean();
    if (years.some((y) => y.fiscalYear === fiscalYear))
      return refused(t, { key: 'adminErrYearExists' });
    const previous = years
      .filter((y) => y.fiscalYear < fiscalYear)
      .sort((a, b) => b.fiscalYear - a.fiscalYear)[0];
    const base =
      copy && previous
        ? {
            threshold: previous.threshold,
            targetStories: previous.targetStories,
            targetPercent: previous.targetPercent,
            planSteps: previous.planSteps,
            infographicRule: previous.infographicRule,
            storyReach: previous.storyReach,
            countedPlatforms: previous.countedPlatforms,
            reportTemplate: previous.reportTemplate,
            reportItemTemplate: previous.reportItemTemplate,
            reportNoPostsTemplate: previous.reportNoPostsTemplate,
            reportUnit: previous.reportUnit,
            reportReachLabel: previous.reportReachLabel,
            page: previous.page,
          }
        : { storyReach: DEFAULT_KPI_TARGETS.storyReach };
    await models.KpiSettings.create({ ...base, projectId, fiscalYear });
  } catch (err) {
    if (isDuplicateKey(err)) return refused(t, { key: 'adminErrYearExists' });
    return failed(t, err);
  }
  announceChange();
  revalidatePath(`${PATH}/${projectSlug}`);
  announceChange();
  revalidatePath(PATH);
  return done(t('adminYearCreated', { fy: fiscalYear }));
}

/** Saves a year's settings; every field is checked first, so bad input changes nothing. */
export async function saveYear(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  await requireRole('admin', PATH);
  const { t } = await getI18n();
  const parsed = parseYearSettings(form);
  if (!parsed.ok) return refused(t, parsed.problem);
  const { projectSlug, fiscalYear, ...settings } = parsed.value;
  try {
    const { models } = await getStore();
    const projectId = projectObjectId(projectSlug);
    const result = await models.KpiSettings.updateOne(
      { projectId, fiscalYear },
      { $set: settings },
      { runValidators: true },
    );
    if (result.matchedCount === 0) return refused(t, { key: 'adminErrYearMissing' });
  } catch (err) {
    return failed(t, err);
  }
  announceChange();
  revalidatePath(`${PATH}/${projectSlug}`);
  return done(t('adminYearSaved', { fy: fiscalYear }));
}
