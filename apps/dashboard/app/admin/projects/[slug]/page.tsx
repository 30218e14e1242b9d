import { fiscalYearOf, PLATFORMS } from '@reachline/shared';
import { StoreErrorBox } from '../../../../components/StoreErrorBox';
import { notFound } from 'next/navigation';
import { AdminForm } from '../../../../components/admin/AdminForm';
import { AdminNav } from '../../../../components/admin/AdminNav';
import { parseFiscalYear } from '../../../../lib/admin/validation';
import { requireRole } from '../../../../lib/auth/guard';
import { getI18n } from '../../../../lib/i18n/server';
import {
  type AdminProjectRow,
  adminYearSettings,
  listAdminProjects,
  type YearSettingsView,
} from '../../../../lib/queries/adminProjects';
import { createYear, saveYear } from '../actions';

export const dynamic = 'force-dynamic';

export default async function AdminProjectYearPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug } = await params;
  const query = await searchParams;
  const path = `/admin/projects/${encodeURIComponent(slug)}`;
  await requireRole('admin', path);
  const { lang, t } = await getI18n();

  const rawFy = typeof query.fy === 'string' ? query.fy : undefined;
  const askedFy = rawFy === undefined ? null : parseFiscalYear(rawFy);
  if (rawFy !== undefined && askedFy === null) {
    return (
      <section className="error-box" role="alert">
        <h1>{t('invalidParameter')}</h1>
        <p>{t('adminErrFiscalYear')}</p>
        <p>
          <a href={path}>{t('adminProjectSettings')}</a>
        </p>
      </section>
    );
  }

  let project: AdminProjectRow | undefined;
  let settings: YearSettingsView | null;
  let fiscalYear: number;
  try {
    project = (await listAdminProjects()).find((p) => p.slug === slug);
    if (!project) notFound();
    fiscalYear = askedFy ?? project.years.at(-1) ?? fiscalYearOf(new Date());
    settings = await adminYearSettings(project.id, fiscalYear);
  } catch (err) {
    if (!(err instanceof Error) || (err as { digest?: string }).digest) throw err;
    return <StoreErrorBox error={err} t={t} />;
  }
  const previous = project.years.filter((y) => y < fiscalYear).at(-1);
  const name = lang === 'en' && project.nameEn ? project.nameEn : project.name;

  return (
    <>
      <AdminNav t={t} current="/admin/projects" />
      <h1>{name}</h1>
      <form method="get" action={path} className="selection">
        <label htmlFor="fy-pick">{t('adminYearPick')}</label>
        <input
          id="fy-pick"
          name="fy"
          inputMode="numeric"
          defaultValue={String(fiscalYear)}
          size={6}
          maxLength={4}
        />
        <button type="submit">{t('adminYearShow')}</button>
        {project.years.length > 0 ? (
          <span>
            {t('adminProjectYears')}:{' '}
            {project.years.map((fy, i) => (
              <span key={fy}>
                {i > 0 ? ', ' : ''}
                <a href={`${path}?fy=${fy}`} aria-current={fy === fiscalYear ? 'page' : undefined}>
                  {fy}
                </a>
              </span>
            ))}
          </span>
        ) : null}
      </form>

      <h2>{t('adminYearTitle', { fy: fiscalYear })}</h2>
      {settings === null ? (
        <section className="admin-panel" aria-label={t('adminYearCreate', { fy: fiscalYear })}>
          <p>{t('adminYearNotSet', { fy: fiscalYear })}</p>
          <AdminForm
            action={createYear}
            submitLabel={t('adminYearCreate', { fy: fiscalYear })}
            workingLabel={t('adminWorking')}
            testId="year-create"
          >
            <input type="hidden" name="projectSlug" value={project.slug} />
            <input type="hidden" name="fiscalYear" value={fiscalYear} />
            {previous !== undefined ? (
              <label className="check">
                <input type="checkbox" name="copy" defaultChecked />{' '}
                {t('adminYearCopyFrom', { fy: previous })}
              </label>
            ) : (
              <p className="admin-hint">{t('adminYearCopyNone')}</p>
            )}
          </AdminForm>
        </section>
      ) : (
        <section className="admin-panel" aria-label={t('adminYearTitle', { fy: fiscalYear })}>
          <AdminForm
            action={saveYear}
            submitLabel={t('adminSubmit')}
            workingLabel={t('adminWorking')}
            testId="year-settings"
            className="admin-form settings-form"
          >
            <input type="hidden" name="projectSlug" value={project.slug} />
            <input type="hidden" name="fiscalYear" value={fiscalYear} />
            <label htmlFor="s-threshold">{t('adminThreshold')}</label>
            <input
              id="s-threshold"
              name="threshold"
              inputMode="numeric"
              defaultValue={String(settings.threshold)}
              required
            />
            <label htmlFor="s-target-stories">{t('adminTargetStories')}</label>
            <input
              id="s-target-stories"
              name="targetStories"
              inputMode="numeric"
              defaultValue={String(settings.targetStories)}
              required
            />
            <label htmlFor="s-target-percent">{t('adminTargetPercent')}</label>
            <input
              id="s-target-percent"
              name="targetPercent"
              inputMode="decimal"
              defaultValue={String(settings.targetPercent)}
              required
            />
            <fieldset>
              <legend>{t('adminCountedPlatforms')}</legend>
              {PLATFORMS.map((p) => (
                <label key={p} className="check">
                  <input
                    type="checkbox"
                    name="countedPlatforms"
                    value={p}
                    defaultChecked={settings.countedPlatforms.includes(p)}
                  />{' '}
                  {p}
                </label>
              ))}
            </fieldset>
            <fieldset>
              <legend>{t('adminStoryReach')}</legend>
              <label className="check">
                <input
                  type="radio"
                  name="storyReach"
                  value="sum"
                  defaultChecked={settings.storyReach === 'sum'}
                />{' '}
                {t('adminStoryReachSum')}
              </label>
              <label className="check">
                <input
                  type="radio"
                  name="storyReach"
                  value="max"
                  defaultChecked={settings.storyReach === 'max'}
                />{' '}
                {t('adminStoryReachMax')}
              </label>
            </fieldset>
            <fieldset>
              <legend>{t('adminRuleTitle')}</legend>
              <label htmlFor="s-hashtags">{t('adminRuleHashtags')}</label>
              <textarea
                id="s-hashtags"
                name="hashtags"
                rows={2}
                defaultValue={settings.infographicRule.hashtags.join('\n')}
              />
              <label htmlFor="s-keywords">{t('adminRuleKeywords')}</label>
              <textarea
                id="s-keywords"
                name="keywords"
                rows={2}
                defaultValue={settings.infographicRule.keywords.join('\n')}
              />
              <label htmlFor="s-media">{t('adminRuleMediaTypes')}</label>
              <textarea
                id="s-media"
                name="mediaTypes"
                rows={2}
                defaultValue={settings.infographicRule.mediaTypes.join('\n')}
              />
            </fieldset>
            <label htmlFor="s-template">{t('adminReportTemplate')}</label>
            <textarea
              id="s-template"
              name="reportTemplate"
              rows={4}
              defaultValue={settings.reportTemplate}
              aria-describedby="s-template-hint"
            />
            <p id="s-template-hint" className="admin-hint">
              {t('adminReportTemplateHint')}
            </p>
            <label htmlFor="s-item-template">{t('adminReportItemTemplate')}</label>
            <input
              id="s-item-template"
              name="reportItemTemplate"
              defaultValue={settings.reportItemTemplate}
              aria-describedby="s-item-template-hint"
            />
            <p id="s-item-template-hint" className="admin-hint">
              {t('adminReportItemTemplateHint')}
            </p>
            <label htmlFor="s-noposts-template">{t('adminReportNoPostsTemplate')}</label>
            <input
              id="s-noposts-template"
              name="reportNoPostsTemplate"
              defaultValue={settings.reportNoPostsTemplate}
              aria-describedby="s-noposts-template-hint"
            />
            <p id="s-noposts-template-hint" className="admin-hint">
              {t('adminReportNoPostsTemplateHint')}
            </p>
            <label htmlFor="s-unit">{t('adminReportUnit')}</label>
            <input id="s-unit" name="reportUnit" defaultValue={settings.reportUnit} />
            <label htmlFor="s-reach-label">{t('adminReportReachLabel')}</label>
            <input
              id="s-reach-label"
              name="reportReachLabel"
              defaultValue={settings.reportReachLabel}
            />
            <p className="admin-hint">{t('adminYearApplyNote')}</p>
          </AdminForm>
        </section>
      )}
    </>
  );
}
