import { PLATFORMS } from '@reachline/shared';
import type { Lang, Translate } from '../../lib/i18n/catalog';
import { formatMonthBE, formatNumber } from '../../lib/i18n/format';
import {
  PLATFORM_NAME_KEYS,
  SORT_KEY_NAMES,
  SORT_KEYS,
  STATUS_FILTERS,
  STATUS_KEYS,
  type StoriesQuery,
  type StoryFacets,
} from '../../lib/queries/stories';

/**
 * Search and filters as one GET form: works without JavaScript, and the URL keeps the state
 * (shareable, back-button friendly). Each choice shows how many stories it would leave.
 */
export function StoriesFilters({
  query,
  facets,
  scope,
  lang,
  t,
}: {
  query: StoriesQuery;
  facets: StoryFacets;
  scope: { projectSlug: string; fiscalYear: number };
  lang: Lang;
  t: Translate;
}) {
  const n = (value: number) => formatNumber(value, lang);
  return (
    <form className="story-filters" method="get" action="/stories" role="search">
      <input type="hidden" name="project" value={scope.projectSlug} />
      <input type="hidden" name="fy" value={scope.fiscalYear} />
      <label className="story-search">
        <span>{t('storiesSearchLabel')}</span>
        <input type="search" name="q" defaultValue={query.q} maxLength={200} />
      </label>
      <label>
        <span>{t('storiesMonthLabel')}</span>
        <select name="month" defaultValue={query.month ?? ''}>
          <option value="">{t('storiesAny')}</option>
          {Object.entries(facets.month).map(([month, count]) => (
            <option key={month} value={month}>
              {formatMonthBE(month, lang)} ({n(count)})
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('storiesPlatformLabel')}</span>
        <select name="platform" defaultValue={query.platform ?? ''}>
          <option value="">{t('storiesAny')}</option>
          {PLATFORMS.map((p) => (
            <option key={p} value={p}>
              {t(PLATFORM_NAME_KEYS[p])} ({n(facets.platform[p])})
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('storiesStatusLabel')}</span>
        <select name="status" defaultValue={query.status ?? ''}>
          <option value="">{t('storiesAny')}</option>
          {STATUS_FILTERS.map((s) => (
            <option key={s} value={s}>
              {t(STATUS_KEYS[s])} ({n(facets.status[s])})
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('storiesSortLabel')}</span>
        <select name="sort" defaultValue={query.sort}>
          {SORT_KEYS.map((s) => (
            <option key={s} value={s}>
              {t(SORT_KEY_NAMES[s])}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('storiesDirLabel')}</span>
        <select name="dir" defaultValue={query.dir}>
          <option value="desc">{t('storiesDirDesc')}</option>
          <option value="asc">{t('storiesDirAsc')}</option>
        </select>
      </label>
      <div className="story-filter-actions">
        <button type="submit">{t('storiesApply')}</button>
        <a
          href={`/stories?project=${encodeURIComponent(scope.projectSlug)}&fy=${scope.fiscalYear}`}
        >
          {t('storiesClear')}
        </a>
      </div>
    </form>
  );
}
