import { reportProgress, reportText } from '@reachline/shared/store';
import { StoreErrorBox } from '../../components/StoreErrorBox';
import type { ReportDoc } from '@reachline/shared/models';
import { SelectionForm } from '../../components/SelectionForm';
import { CopyButton, ReopenForm, ReportEditor } from '../../components/reports/ReportForms';
import { hasRole, requireRole } from '../../lib/auth/guard';
import { type MessageKey, messagesWithPrefix } from '../../lib/i18n/catalog';
import { formatDateTimeBE, formatMonthBE, formatNumber } from '../../lib/i18n/format';
import { getI18n } from '../../lib/i18n/server';
import { listReports } from '../../lib/queries/reports';
import { resolveSelection, type SelectionResult } from '../../lib/selection';
import './reports.css';

export const dynamic = 'force-dynamic';

export default async function ReportsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireRole('viewer', '/reports');
  const params = await searchParams;
  const { lang, t } = await getI18n();
  const texts = messagesWithPrefix(lang, 'reports');

  const month = params.month;
  if (
    month !== undefined &&
    (typeof month !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
  ) {
    return (
      <section className="error-box" role="alert">
        <h1>{t('invalidParameter')}</h1>
        <p>{t('reportsInvalidMonth', { value: String(month) })}</p>
      </section>
    );
  }

  let chosen: SelectionResult;
  let reports: ReportDoc[];
  try {
    chosen = await resolveSelection(params);
    if (!chosen.ok)
      return (
        <section className="error-box" role="alert">
          <h1>{t('invalidParameter')}</h1>
          <p>{t(chosen.problem, { value: chosen.value })}</p>
        </section>
      );
    reports = await listReports(chosen.selection.project.id, chosen.selection.fiscalYear);
  } catch (err) {
    return <StoreErrorBox error={err} t={t} />;
  }
  const { selection } = chosen;
  const current = month ? reports.find((r) => r.monthKey === month) : reports[0];
  const canEdit = hasRole(user, 'editor');
  const query = (m: string) =>
    `/reports?project=${selection.project.slug}&fy=${selection.fiscalYear}&month=${m}`;

  return (
    <>
      <SelectionForm selection={selection} lang={lang} t={t} action="/reports" />
      <h1>{t('reportsTitle')}</h1>
      <p className="tagline">{t('reportsIntro')}</p>
      {reports.length === 0 ? (
        <p data-testid="reports-none">{t('reportsNone')}</p>
      ) : (
        <div className="reports-layout">
          <nav aria-label={t('reportsMonths')} className="report-months">
            <h2>{t('reportsMonths')}</h2>
            <ul>
              {reports.map((r) => (
                <li key={r.monthKey}>
                  <a
                    href={query(r.monthKey)}
                    aria-current={r.monthKey === current?.monthKey ? 'page' : undefined}
                  >
                    {formatMonthBE(r.monthKey, lang)}
                  </a>{' '}
                  <span className={`badge ${r.status}`}>
                    {t(r.status === 'approved' ? 'reportsStatusApproved' : 'reportsStatusDraft')}
                  </span>
                </li>
              ))}
            </ul>
          </nav>
          {current ? (
            <ReportView report={current} lang={lang} canEdit={canEdit} texts={texts} />
          ) : (
            <p role="alert">{t('reportsNotFound')}</p>
          )}
        </div>
      )}
    </>
  );
}

function ReportView({
  report,
  lang,
  canEdit,
  texts,
}: {
  report: ReportDoc;
  lang: 'th' | 'en';
  canEdit: boolean;
  texts: Record<string, string>;
}) {
  const tx = (key: string, vars: Record<string, string | number> = {}) =>
    (texts[key] ?? key).replace(/\{(\w+)\}/g, (w, n: string) => (n in vars ? String(vars[n]) : w));
  const id = String(report._id);
  const text = reportText(report);
  const progress = reportProgress(report);
  return (
    <article className="report" data-testid="report" data-status={report.status}>
      <h2>
        {formatMonthBE(report.monthKey, lang)} ·{' '}
        <span className={`badge ${report.status}`} data-testid="report-status">
          {tx(report.status === 'approved' ? 'reportsStatusApproved' : 'reportsStatusDraft')}
        </span>
      </h2>
      <h3 id="entry-title">{tx('reportsEntry')}</h3>
      <pre
        className="entry-text"
        aria-labelledby="entry-title"
        data-testid="entry-text"
        tabIndex={0}
      >
        {text}
      </pre>
      <div className="button-row">
        <CopyButton text={text} texts={texts} />
        <a className="button" href={`/reports/download?id=${id}&format=txt`} download>
          {tx('reportsDownloadTxt')}
        </a>
        <a className="button" href={`/reports/download?id=${id}&format=docx`} download>
          {tx('reportsDownloadDocx')}
        </a>
      </div>

      <h3>{tx('reportsProgress', { percent: progress.toFixed(2) })}</h3>
      <p className="muted">
        {tx('reportsProgressComputed', { percent: report.progressPercent.toFixed(2) })}
        {report.progressOverride !== null
          ? ` · ${tx('reportsProgressOverride', { percent: report.progressOverride.toFixed(2) })}`
          : ''}
      </p>
      <table className="table" aria-label={tx('reportsWorking')}>
        <caption>{tx('reportsWorking')}</caption>
        <thead>
          <tr>
            <th scope="col">{tx('reportsStep')}</th>
            <th scope="col">{tx('reportsWeight')}</th>
            <th scope="col">{tx('reportsDone')}</th>
            <th scope="col">{tx('reportsContribution')}</th>
          </tr>
        </thead>
        <tbody>
          {report.progressSteps.map((s, i) => (
            <tr key={i}>
              <td>{s.name}</td>
              <td>{s.weight} %</td>
              <td>{s.donePercent.toFixed(2)} %</td>
              <td>{((s.weight * s.donePercent) / 100).toFixed(2)} %</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>{tx('reportsItems', { count: report.items.length })}</h3>
      <ol className="report-items">
        {report.items.map((item, i) => (
          <li key={i}>
            {item.storyId ? (
              <a href={`/stories/${String(item.storyId)}`}>{item.title}</a>
            ) : (
              item.title
            )}{' '}
            · {formatNumber(item.reach, lang)}{' '}
            <span className="muted" title={item.reachMetric}>
              ({item.platform}: {item.reachMetric})
            </span>
          </li>
        ))}
      </ol>

      {canEdit ? (
        report.status === 'draft' ? (
          <ReportEditor
            id={id}
            editedText={report.editedText}
            problems={report.problems}
            obstacles={report.obstacles}
            progressOverride={report.progressOverride}
            texts={texts}
          />
        ) : (
          <>
            <p className="muted">{tx('reportsFrozen')}</p>
            <ReopenForm id={id} texts={texts} />
          </>
        )
      ) : null}

      <h3>{tx('reportsHistory')}</h3>
      <table className="table" data-testid="report-history">
        <thead>
          <tr>
            <th scope="col">{tx('reportsHistoryWhen')}</th>
            <th scope="col">{tx('reportsHistoryWho')}</th>
            <th scope="col">{tx('reportsHistoryWhat')}</th>
            <th scope="col">{tx('reportsHistoryShow')}</th>
          </tr>
        </thead>
        <tbody>
          {[...report.history].reverse().map((h, i) => (
            <tr key={i}>
              <td>{formatDateTimeBE(new Date(h.at), lang)}</td>
              <td>{h.byName}</td>
              <td>{tx(`reportsAction${h.action}` as MessageKey)}</td>
              <td>
                <details>
                  <summary>{tx('reportsHistoryShow')}</summary>
                  <pre className="entry-text">{h.text}</pre>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}
