import { formatPercent } from '@reachline/shared';
import { KpiCard } from '../components/KpiCard';
import { SelectionForm } from '../components/SelectionForm';
import { requireRole } from '../lib/auth/guard';
import { StoreUnavailableError } from '../lib/db';
import { formatNumber } from '../lib/i18n/format';
import { getI18n } from '../lib/i18n/server';
import { getKpiOverview, type KpiOverview } from '../lib/queries/getKpiOverview';
import { resolveSelection, type SelectionResult } from '../lib/selection';

export const dynamic = 'force-dynamic';

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireRole('viewer', '/');
  const params = await searchParams;
  const { lang, t } = await getI18n();
  const n = (value: number) => formatNumber(value, lang);

  let chosen: SelectionResult;
  let kpi: KpiOverview;
  try {
    chosen = await resolveSelection(params);
    if (!chosen.ok) {
      return (
        <section className="error-box" role="alert">
          <h1>
            {t(
              chosen.problem === 'invalidFiscalYear'
                ? 'invalidFiscalYearTitle'
                : 'invalidParameter',
            )}
          </h1>
          <p>{t(chosen.problem, { value: chosen.value })}</p>
          <p>
            <a href="/">{t('backToOverview')}</a>
          </p>
        </section>
      );
    }
    kpi = await getKpiOverview(chosen.selection.project.id, chosen.selection.fiscalYear);
  } catch (err) {
    return (
      <section className="error-box" role="alert">
        <h1>{t('storeUnavailableTitle')}</h1>
        <p>{err instanceof StoreUnavailableError ? err.message : t('storeUnavailable')}</p>
      </section>
    );
  }
  const { selection } = chosen;

  const rateMet = kpi.passRatePercent !== null && kpi.passRatePercent >= kpi.targetPercent;
  return (
    <>
      <SelectionForm selection={selection} lang={lang} t={t} />
      <h1>{t('overviewTitle', { fy: kpi.fiscalYear })}</h1>
      <p className="tagline">
        {t('overviewGoal', {
          target: kpi.targetPercent,
          stories: kpi.targetStories,
          threshold: n(kpi.threshold),
        })}
      </p>
      <div className="cards">
        <KpiCard
          testId="kpi-published"
          label={t('kpiPublished')}
          value={n(kpi.published)}
          note={t('unitStories')}
        />
        <KpiCard
          testId="kpi-passed"
          label={t('kpiPassed', { threshold: n(kpi.threshold) })}
          value={n(kpi.passed)}
          note={t('kpiBelow', { count: n(kpi.published - kpi.passed) })}
        />
        <KpiCard
          testId="kpi-rate"
          label={t('kpiRate')}
          value={`${formatPercent(kpi.passRatePercent, '–')} %`}
          note={t('kpiRateTarget', { target: kpi.targetPercent })}
          tone={kpi.passRatePercent === null ? undefined : rateMet ? 'pass' : 'fail'}
        />
        <KpiCard
          testId="kpi-quota"
          label={t('kpiQuota')}
          value={`${n(kpi.passed)} / ${n(kpi.quota)}`}
          note={
            kpi.quotaProgress.met
              ? t('kpiQuotaMet')
              : t('kpiQuotaToGo', { count: n(kpi.quotaProgress.remaining) })
          }
          tone={kpi.quotaProgress.met ? 'pass' : undefined}
        />
      </div>
    </>
  );
}
