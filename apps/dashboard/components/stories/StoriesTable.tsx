import type { Lang, Translate } from '../../lib/i18n/catalog';
import { formatDateBE, formatNumber } from '../../lib/i18n/format';
import {
  METRIC_NAME_KEYS,
  PLATFORM_NAME_KEYS,
  queryParams,
  type SortKey,
  type StoriesQuery,
  STATUS_KEYS,
  type StoryListItem,
} from '../../lib/queries/stories';
import { reachMetricOf } from '@reachline/shared';

/** `post_total_media_view_unique` may wrap after each underscore, and only there. */
function breakable(name: string) {
  return name.split('_').map((part, i, all) => (
    <span key={i}>
      {part}
      {i < all.length - 1 ? (
        <>
          _<wbr />
        </>
      ) : null}
    </span>
  ));
}

/** One page of stories: presentational; links and sort headers keep the query in the URL. */
export function StoriesTable({
  items,
  query,
  scope,
  threshold,
  lang,
  t,
}: {
  items: StoryListItem[];
  query: StoriesQuery;
  scope: { projectSlug: string; fiscalYear: number };
  threshold: number;
  lang: Lang;
  t: Translate;
}) {
  const n = (value: number) => formatNumber(value, lang);

  const header = (key: SortKey | null, label: string, className?: string) => {
    if (!key)
      return (
        <th scope="col" className={className}>
          {label}
        </th>
      );
    const active = query.sort === key;
    // Clicking the active column flips its order; another column starts in its natural order.
    const dir = active ? (query.dir === 'asc' ? 'desc' : 'asc') : key === 'title' ? 'asc' : 'desc';
    const href = `/stories?${queryParams({ ...query, sort: key, dir, page: 1 }, scope)}`;
    return (
      <th
        scope="col"
        className={className}
        aria-sort={active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined}
      >
        <a href={href} title={t('storiesSortBy', { column: label })}>
          {label}
          {active ? <span aria-hidden="true">{query.dir === 'asc' ? ' ▲' : ' ▼'}</span> : null}
        </a>
      </th>
    );
  };

  return (
    <table className="story-table" data-testid="story-table">
      <caption className="visually-hidden">
        {t('storiesTableCaption', { threshold: n(threshold) })}
      </caption>
      <thead>
        <tr>
          {header('title', t('storiesColTitle'))}
          {header(null, t('storiesColPlatforms'))}
          {header('published', t('storiesColPublished'))}
          {header('reach', t('storiesColReach'), 'num')}
          {header(null, t('storiesColMetric'))}
          {header('crossed', t('storiesColCrossed'))}
          {header(null, t('storiesColStatus'))}
        </tr>
      </thead>
      <tbody>
        {items.map(({ row, status, countedPlatforms }) => {
          const line = row.threshold || threshold;
          const fill = Math.min(100, (row.reach / line) * 100);
          return (
            <tr key={row.id} data-story-id={row.id}>
              <td data-label={t('storiesColTitle')} className="story-title">
                <a href={`/stories/${row.id}`}>{row.title}</a>
              </td>
              <td data-label={t('storiesColPlatforms')}>
                <ul className="platform-badges">
                  {row.platforms.map((p) => (
                    <li key={p} className={`platform-badge platform-${p}`}>
                      {t(PLATFORM_NAME_KEYS[p])}
                    </li>
                  ))}
                </ul>
              </td>
              <td data-label={t('storiesColPublished')} className="nowrap">
                <time dateTime={row.publishedAt.toISOString()}>
                  {formatDateBE(row.publishedAt, lang)}
                </time>
              </td>
              <td data-label={t('storiesColReach')} className="num reach-cell">
                <span className="reach-number" data-testid="reach">
                  {n(row.reach)}
                </span>
                <span className="visually-hidden">
                  {' '}
                  {t('storiesReachOf', { reach: n(row.reach), threshold: n(line) })}
                </span>
                <span className="reach-bar" aria-hidden="true">
                  <span
                    className={`reach-fill ${row.passed ? 'is-pass' : 'is-below'}`}
                    style={{ width: `${fill.toFixed(1)}%` }}
                  />
                </span>
              </td>
              <td data-label={t('storiesColMetric')} className="metric-cell">
                {countedPlatforms.length === 0
                  ? t('none')
                  : countedPlatforms.map((p) => (
                      <span key={p} className="metric" title={reachMetricOf(p).metric}>
                        {t(METRIC_NAME_KEYS[p])} <code>{breakable(reachMetricOf(p).metric)}</code>
                      </span>
                    ))}
              </td>
              <td data-label={t('storiesColCrossed')} className="nowrap">
                {row.crossedThresholdAt ? (
                  <time dateTime={row.crossedThresholdAt.toISOString()}>
                    {formatDateBE(row.crossedThresholdAt, lang)}
                  </time>
                ) : (
                  t('none')
                )}
              </td>
              <td data-label={t('storiesColStatus')}>
                <span className={`status-badge status-${status}`} data-status={status}>
                  {t(STATUS_KEYS[status])}
                </span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
