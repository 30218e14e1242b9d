import { formatPercent, PLATFORMS, reachMetricOf } from '@reachline/shared';
import { StoreErrorBox } from '../components/StoreErrorBox';
import { KpiCard } from '../components/KpiCard';
import { LiveUpdates } from '../components/live/LiveUpdates';
import { MonthlyChart } from '../components/overview/MonthlyChart';
import {
  FreshnessLine,
  platformName,
  QuarterTable,
  Warnings,
} from '../components/overview/OverviewSections';
import { PassRateBullet } from '../components/overview/PassRateBullet';
import { ReachHistogram } from '../components/overview/ReachHistogram';
import { SelectionForm } from '../components/SelectionForm';
import { requireRole } from '../lib/auth/guard';
import type { Translate } from '../lib/i18n/catalog';
import { formatDateTimeBE, formatDuration, formatMonthBE, formatNumber } from '../lib/i18n/format';
import { getI18n } from '../lib/i18n/server';
import { getReadModel } from '../lib/live/readModel';
import { getKpiOverview, type KpiOverview } from '../lib/queries/getKpiOverview';
import { reachHistogram } from '../lib/queries/overviewDistribution';
import { describeFreshness } from '../lib/queries/overviewFreshness';
import { monthRowsOf, quarterRowsOf } from '../lib/queries/overviewQuarters';
import { getOverviewStatus, type OverviewStatus } from '../lib/queries/overviewStatus';
import { resolveSelection, type SelectionResult } from '../lib/selection';
import './overview.css';

export const dynamic = 'force-dynamic';

/** "Facebook: post_total_media_view_unique": which platform metric the year's reach counts. */
function metricNoteOf(kpi: KpiOverview, t: Translate): string {
  const platforms = kpi.countedPlatforms.length > 0 ? kpi.countedPlatforms : [...PLATFORMS];
  const list = platforms.map((p) => `${platformName(t, p)}: ${reachMetricOf(p).metric}`).join(', ');
  if (kpi.countedPlatforms.length === 1) return t('ovMetricCaption', { metrics: list });
  const mode = t(kpi.storyReach === 'max' ? 'ovCombineMax' : 'ovCombineSum');
  return t('ovMetricCaption', { metrics: t('ovMetricAll', { mode, metrics: list }) });
}

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireRole('viewer', '/');
  const params = await searchParams;
  const { lang, t } = await getI18n();
  const n = (value: number) => formatNumber(value, lang);
  const dateTime = (at: Date) => formatDateTimeBE(at, lang);
  const duration = (ms: number) => formatDuration(ms, lang);

  let chosen: SelectionResult;
  let kpi: KpiOverview;
  let status: OverviewStatus;
  let reaches: number[];
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
    const { project, fiscalYear } = chosen.selection;
    const [figures, overviewStatus, model] = await Promise.all([
      getKpiOverview(project.id, fiscalYear),
      getOverviewStatus(),
      getReadModel(),
    ]);
    kpi = figures;
    status = overviewStatus;
    reaches = [];
    for (const row of model.rows.values())
      if (row.projectId === project.id && row.fiscalYear === fiscalYear) reaches.push(row.reach);
  } catch (err) {
    return <StoreErrorBox error={err} t={t} />;
  }
  const { selection } = chosen;
  const threshold = n(kpi.threshold);
  const metricNote = metricNoteOf(kpi, t);

  const freshness = describeFreshness({
    now: new Date(),
    figuresUpdatedAt: kpi.figuresUpdatedAt,
    lastRunAt: status.lastRunAt,
    nextDueAt: status.nextDueAt,
    scheduleKnown: status.scheduleKnown,
  });

  const months = monthRowsOf(kpi.months, kpi.fiscalYear);
  const publishedKey = t('ovSeriesPublished');
  const passedKey = t('ovSeriesPassed', { threshold });
  const monthly = months.map((m) => ({
    month: formatMonthBE(m.monthKey, lang),
    [publishedKey]: m.published,
    [passedKey]: m.passed,
  }));

  const bins = reachHistogram(reaches, kpi.threshold).map((b) => ({
    ...b,
    label: b.to === null ? t('ovBinOpen', { from: n(b.from) }) : `${n(b.from)}–${n(b.to - 1)}`,
  }));
  const below = bins.filter((b) => !b.passes).reduce((s, b) => s + b.count, 0);
  const above = reaches.length - below;
  const distributionSummary = t('ovDistributionSummary', {
    threshold,
    below: n(below),
    above: n(above),
  });

  const rateMet = kpi.passRatePercent !== null && kpi.passRatePercent >= kpi.targetPercent;
  const rateText = `${formatPercent(kpi.passRatePercent, '–')} %`;
  return (
    <>
      <SelectionForm selection={selection} lang={lang} t={t} />
      <div className="ov-head">
        <h1>{t('overviewTitle', { fy: kpi.fiscalYear })}</h1>
        <LiveUpdates
          projectId={selection.project.id}
          fiscalYear={kpi.fiscalYear}
          enabled={status.liveConfigured}
          labels={{
            connecting: t('ovLiveConnecting'),
            live: t('ovLiveOn'),
            reconnecting: t('ovLiveReconnecting'),
            off: t('ovLiveOff'),
          }}
        />
      </div>
      <p className="tagline">
        {t('overviewGoal', {
          target: kpi.targetPercent,
          stories: kpi.targetStories,
          threshold,
        })}
      </p>
      <FreshnessLine freshness={freshness} t={t} duration={duration} dateTime={dateTime} />
      <Warnings status={status} t={t} dateTime={dateTime} />
      <div className="cards" title={metricNote}>
        <KpiCard
          testId="kpi-published"
          label={t('kpiPublished')}
          value={n(kpi.published)}
          note={t('unitStories')}
        />
        <KpiCard
          testId="kpi-passed"
          label={t('kpiPassed', { threshold })}
          value={n(kpi.passed)}
          note={t('kpiBelow', { count: n(kpi.published - kpi.passed) })}
        />
        <KpiCard
          testId="kpi-rate"
          label={t('kpiRate')}
          value={rateText}
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
      <p className="ov-metric" data-testid="metric-note">
        {metricNote}
      </p>
      <PassRateBullet
        ratePercent={kpi.passRatePercent}
        targetPercent={kpi.targetPercent}
        caption={t('ovRateBullet', { target: kpi.targetPercent })}
        label={t('ovRateBulletText', {
          rate: formatPercent(kpi.passRatePercent, '–'),
          target: kpi.targetPercent,
        })}
      />
      <div className="ov-charts">
        <figure className="ov-figure" aria-labelledby="ov-monthly-title" title={metricNote}>
          <h2 id="ov-monthly-title">{t('ovMonthlyTitle')}</h2>
          <MonthlyChart
            data={monthly}
            publishedKey={publishedKey}
            passedKey={passedKey}
            label={t('ovMonthlyTitle')}
          />
          <div className="ov-sr-only">
            <table data-testid="monthly-table">
              <caption>{t('ovMonthlyTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('ovMonth')}</th>
                  <th scope="col">{publishedKey}</th>
                  <th scope="col">{passedKey}</th>
                </tr>
              </thead>
              <tbody>
                {months.map((m) => (
                  <tr key={m.monthKey}>
                    <th scope="row">{formatMonthBE(m.monthKey, lang)}</th>
                    <td>{n(m.published)}</td>
                    <td>{n(m.passed)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </figure>
        <figure className="ov-figure" aria-labelledby="ov-reach-title" title={metricNote}>
          <h2 id="ov-reach-title">{t('ovDistributionTitle', { threshold })}</h2>
          <ReachHistogram
            data={bins.map((b) => ({ bin: b.label, stories: b.count }))}
            lineAt={bins.find((b) => b.passes)?.label ?? null}
            lineLabel={t('ovLineLabel', { threshold })}
            passingBins={bins.filter((b) => b.passes).map((b) => b.label)}
            label={`${t('ovDistributionTitle', { threshold })}. ${distributionSummary}`}
          />
          <figcaption className="ov-caption" data-testid="reach-summary">
            {distributionSummary}
          </figcaption>
          <div className="ov-sr-only">
            <table data-testid="reach-table">
              <caption>{t('ovDistributionTitle', { threshold })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('ovReachRange')}</th>
                  <th scope="col">{t('ovStoriesCount')}</th>
                </tr>
              </thead>
              <tbody>
                {bins.map((b) => (
                  <tr key={b.from}>
                    <th scope="row">{b.label}</th>
                    <td>{n(b.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </figure>
      </div>
      <QuarterTable
        rows={quarterRowsOf(kpi.months, kpi.fiscalYear)}
        t={t}
        n={n}
        threshold={threshold}
        metricNote={metricNote}
      />
    </>
  );
}
