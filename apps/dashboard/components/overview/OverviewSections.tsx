import { formatPercent, type Platform } from '@reachline/shared';
import type { MessageKey, Translate } from '../../lib/i18n/catalog';
import type { Freshness } from '../../lib/queries/overviewFreshness';
import type { QuarterRow } from '../../lib/queries/overviewQuarters';
import type { OverviewStatus } from '../../lib/queries/overviewStatus';

export const platformName = (t: Translate, platform: Platform) =>
  t(`ovPlatform_${platform}` as MessageKey);

/** "Harvested 4 min ago · next in 11 min" (see lib/queries/overviewFreshness.ts for the clocks). */
export function FreshnessLine({
  freshness,
  t,
  duration,
  dateTime,
}: {
  freshness: Freshness;
  t: Translate;
  duration: (ms: number) => string;
  dateTime: (at: Date) => string;
}) {
  const { harvested, next } = freshness;
  const first =
    harvested.kind === 'never'
      ? t('ovHarvestedNever')
      : harvested.kind === 'ago'
        ? t('ovHarvestedAgo', { ago: duration(harvested.ms) })
        : t('ovHarvestedAt', { at: dateTime(harvested.at) });
  const second =
    next.kind === 'unknown'
      ? t('ovNextUnknown')
      : next.kind === 'notScheduled'
        ? t('ovNextNone')
        : next.kind === 'dueNow'
          ? t('ovNextDueNow')
          : next.kind === 'in'
            ? t('ovNextIn', { in: duration(next.ms) })
            : t('ovNextAfterLast', { gap: duration(next.ms), at: dateTime(next.at) });
  return (
    <p className="ov-freshness" data-testid="freshness" data-next={next.kind}>
      {first} · {second}
    </p>
  );
}

/** Expired tokens and platforms whose last harvest failed; nothing when all is well. */
export function Warnings({
  status,
  t,
  dateTime,
}: {
  status: Pick<OverviewStatus, 'tokenWarnings' | 'failingPlatforms'>;
  t: Translate;
  dateTime: (at: Date) => string;
}) {
  if (status.tokenWarnings.length === 0 && status.failingPlatforms.length === 0) return null;
  return (
    <section className="ov-warnings" aria-labelledby="ov-warnings-title" data-testid="warnings">
      <h2 id="ov-warnings-title">{t('ovWarningsTitle')}</h2>
      <ul>
        {status.tokenWarnings.map((w) => (
          <li key={w.accountId} data-testid="token-warning" data-platform={w.platform}>
            {t(w.tokenStatus === 'expired' ? 'ovTokenExpired' : 'ovTokenPermission', {
              platform: platformName(t, w.platform),
              name: w.displayName,
            })}
          </li>
        ))}
        {status.failingPlatforms.map((f) => (
          <li key={f.platform} data-testid="platform-warning" data-platform={f.platform}>
            {t('ovPlatformFailing', { platform: platformName(t, f.platform), at: dateTime(f.at) })}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The quarterly KPI table in the seed's layout: quarter, published, passed, rate, cumulative. */
export function QuarterTable({
  rows,
  t,
  n,
  threshold,
  metricNote,
}: {
  rows: QuarterRow[];
  t: Translate;
  n: (value: number) => string;
  threshold: string;
  metricNote: string;
}) {
  return (
    <section className="ov-section" aria-labelledby="ov-quarter-title">
      <h2 id="ov-quarter-title">{t('ovQuarterTitle')}</h2>
      <div className="ov-table-wrap">
        <table data-testid="quarter-table" title={metricNote}>
          <caption className="ov-caption">{metricNote}</caption>
          <thead>
            <tr>
              <th scope="col">{t('ovQuarter')}</th>
              <th scope="col" className="num">
                {t('ovQPublished')}
              </th>
              <th scope="col" className="num">
                {t('ovQPassed', { threshold })}
              </th>
              <th scope="col" className="num">
                {t('ovQRate')}
              </th>
              <th scope="col" className="num">
                {t('ovQCumRate')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.quarter} data-testid={`quarter-row-${r.quarter}`}>
                <th scope="row">{t('ovQuarterN', { q: r.quarter })}</th>
                <td className="num">{n(r.published)}</td>
                <td className="num">{n(r.passed)}</td>
                <td className="num">{formatPercent(r.ratePercent, '–')}</td>
                <td className="num">{formatPercent(r.cumulativeRatePercent, '–')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
