import type { Translate } from '../lib/i18n/catalog';
import type { Selection } from '../lib/selection';

/**
 * Project and fiscal-year switchers: a plain GET form, so it works without JavaScript and keeps
 * the choice in the URL (shareable, back-button friendly).
 */
export function SelectionForm({
  selection,
  lang,
  t,
  action = '/',
  extra,
}: {
  selection: Selection;
  lang: 'th' | 'en';
  t: Translate;
  action?: string;
  extra?: Record<string, string>;
}) {
  return (
    <form className="selection" method="get" action={action} data-testid="selection">
      <label>
        {t('projectLabel')}{' '}
        <select name="project" defaultValue={selection.project.slug}>
          {selection.projects.map((p) => (
            <option key={p.slug} value={p.slug}>
              {lang === 'en' && p.nameEn ? p.nameEn : p.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('fiscalYearLabel')}{' '}
        <select name="fy" defaultValue={String(selection.fiscalYear)}>
          {selection.years.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </label>
      {Object.entries(extra ?? {}).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <button type="submit">{t('showButton')}</button>
    </form>
  );
}
