import { SelectionForm } from '../../components/SelectionForm';
import { StoreErrorBox } from '../../components/StoreErrorBox';
import { LivePage } from '../../components/live/LivePage';
import { StoriesFilters } from '../../components/stories/StoriesFilters';
import { StoriesPagination } from '../../components/stories/StoriesPagination';
import { StoriesTable } from '../../components/stories/StoriesTable';
import { requireRole } from '../../lib/auth/guard';
import { formatNumber } from '../../lib/i18n/format';
import { getI18n } from '../../lib/i18n/server';
import { type ListOutcome, listStories, queryParams } from '../../lib/queries/stories';
import './stories.css';

export const dynamic = 'force-dynamic';

export async function generateMetadata() {
  const { t } = await getI18n();
  return { title: `${t('storiesTitle')} · Reachline` };
}

export default async function StoriesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const returnTo = `/stories?${new URLSearchParams(
    Object.entries(params).flatMap(([k, v]) =>
      (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => [k, x]),
    ),
  )}`;
  await requireRole('viewer', returnTo);
  const { lang, t } = await getI18n();
  const n = (value: number) => formatNumber(value, lang);

  let outcome: ListOutcome;
  try {
    outcome = await listStories(params);
  } catch (err) {
    return <StoreErrorBox error={err} t={t} />;
  }
  if (!outcome.ok) {
    return (
      <section className="error-box" role="alert" data-testid="stories-problem">
        <h1>{t('storiesBadTitle')}</h1>
        <p>{t(outcome.problem.key, outcome.problem.vars)}</p>
        <p>
          <a href="/stories">{t('storiesClear')}</a>
        </p>
      </section>
    );
  }

  const { selection, query, page, result } = outcome;
  const scope = { projectSlug: selection.project.slug, fiscalYear: selection.fiscalYear };
  const threshold = result.items[0]?.row.threshold ?? 3000;
  // Switching project or year keeps the search and filters, except the month (another year's).
  const keep = Object.fromEntries(queryParams({ ...query, month: null, page: 1 }).entries());
  const exportQuery = queryParams({ ...query, page: 1 }, scope);
  const from = (page.page - 1) * page.pageSize + 1;
  const to = Math.min(page.total, page.page * page.pageSize);

  return (
    <div className="stories-page">
      <SelectionForm selection={selection} lang={lang} t={t} action="/stories" extra={keep} />
      <h1>{t('storiesHeading', { fy: selection.fiscalYear })}</h1>
      <LivePage projectId={selection.project.id} fiscalYear={selection.fiscalYear} t={t} />
      <section aria-labelledby="filters-heading" className="story-filter-box">
        <h2 id="filters-heading" className="visually-hidden">
          {t('storiesFilters')}
        </h2>
        <StoriesFilters query={query} facets={result.facets} scope={scope} lang={lang} t={t} />
      </section>
      <div className="story-summary">
        <p role="status" data-testid="stories-count" data-total={page.total}>
          {t('storiesCount', { count: n(page.total), total: n(result.scopeTotal) })}
          {page.items.length > 0 ? ` · ${t('storiesShowing', { from: n(from), to: n(to) })}` : ''}
        </p>
        <p className="story-exports">
          <span>{t('storiesExport')}:</span>{' '}
          <a href={`/api/export/stories?format=csv&${exportQuery}`} data-testid="export-csv">
            {t('storiesExportCsv')}
          </a>{' '}
          <a href={`/api/export/stories?format=xlsx&${exportQuery}`} data-testid="export-xlsx">
            {t('storiesExportXlsx')}
          </a>
        </p>
      </div>
      {page.total === 0 ? (
        <p className="story-empty">{t('storiesEmpty')}</p>
      ) : page.items.length === 0 ? (
        <p className="story-empty">{t('storiesPageEmpty', { pages: n(page.pageCount) })}</p>
      ) : (
        <StoriesTable
          items={page.items}
          query={query}
          scope={scope}
          threshold={threshold}
          lang={lang}
          t={t}
        />
      )}
      <StoriesPagination
        query={query}
        page={page.page}
        pageCount={page.pageCount}
        scope={scope}
        lang={lang}
        t={t}
      />
    </div>
  );
}
