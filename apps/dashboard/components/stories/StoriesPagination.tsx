import type { Lang, Translate } from '../../lib/i18n/catalog';
import { formatNumber } from '../../lib/i18n/format';
import { queryParams, type StoriesQuery } from '../../lib/queries/stories';

/** The page numbers around the current one, the first and the last, with gaps as null. */
export function pageWindow(page: number, pageCount: number, radius = 2): (number | null)[] {
  const pages = new Set<number>([1, pageCount]);
  for (let p = page - radius; p <= page + radius; p++) if (p >= 1 && p <= pageCount) pages.add(p);
  const sorted = [...pages].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  for (const p of sorted) {
    const prev = out[out.length - 1];
    if (typeof prev === 'number' && p - prev > 1) out.push(null);
    out.push(p);
  }
  return out;
}

/** Plain links (keyboard and screen-reader friendly); the current page is marked, not linked. */
export function StoriesPagination({
  query,
  page,
  pageCount,
  scope,
  lang,
  t,
}: {
  query: StoriesQuery;
  page: number;
  pageCount: number;
  scope: { projectSlug: string; fiscalYear: number };
  lang: Lang;
  t: Translate;
}) {
  if (pageCount <= 1 && page <= 1) return null;
  const href = (p: number) => `/stories?${queryParams({ ...query, page: p }, scope)}`;
  const n = (value: number) => formatNumber(value, lang);
  return (
    <nav className="pagination" aria-label={t('storiesPagination')}>
      <p className="page-of">{t('storiesPageOf', { page: n(page), pages: n(pageCount) })}</p>
      <ul>
        {page > 1 ? (
          <li>
            <a href={href(Math.min(page - 1, pageCount))} rel="prev">
              {t('storiesPrev')}
            </a>
          </li>
        ) : null}
        {pageWindow(Math.min(page, pageCount), pageCount).map((p, i) =>
          p === null ? (
            <li key={`gap${i}`} aria-hidden="true">
              …
            </li>
          ) : (
            <li key={p}>
              {p === page ? (
                <span aria-current="page" className="current">
                  <span className="visually-hidden">{t('storiesPageLink', { page: n(p) })}</span>
                  <span aria-hidden="true">{n(p)}</span>
                </span>
              ) : (
                <a href={href(p)} aria-label={t('storiesPageLink', { page: n(p) })}>
                  {n(p)}
                </a>
              )}
            </li>
          ),
        )}
        {page < pageCount ? (
          <li>
            <a href={href(page + 1)} rel="next">
              {t('storiesNext')}
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
