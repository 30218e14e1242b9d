import { AdminForm } from '../../../components/admin/AdminForm';
import { StoreErrorBox } from '../../../components/StoreErrorBox';
import { AdminNav } from '../../../components/admin/AdminNav';
import { TokenState } from '../../../components/admin/TokenState';
import { COUNTED_STATES } from '../../../lib/admin/queues';
import { requireRole } from '../../../lib/auth/guard';
import type { MessageKey } from '../../../lib/i18n/catalog';
import { formatDateTimeBE, formatDuration, formatNumber } from '../../../lib/i18n/format';
import { getI18n } from '../../../lib/i18n/server';
import { type AdminAccountRow, listAdminAccounts } from '../../../lib/queries/adminAccounts';
import { getOperationsView, type OperationsView } from '../../../lib/queries/adminOperations';
import { retryJob } from './actions';

export const dynamic = 'force-dynamic';

const COUNT_LABEL: Record<(typeof COUNTED_STATES)[number], MessageKey> = {
  waiting: 'adminCountWaiting',
  active: 'adminCountActive',
  delayed: 'adminCountDelayed',
  failed: 'adminCountFailed',
  completed: 'adminCountCompleted',
};

export default async function AdminOperationsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireRole('admin', '/admin/operations');
  const { lang, t } = await getI18n();
  // After a retry the job leaves the failed list (and its form with it): the answer shows here.
  const retried = (await searchParams).retried;
  const retriedId =
    typeof retried === 'string' && /^[\w:.-]{1,200}$/.test(retried) ? retried : null;
  let view: OperationsView;
  let accounts: AdminAccountRow[];
  try {
    [view, accounts] = await Promise.all([getOperationsView(), listAdminAccounts()]);
  } catch (err) {
    return <StoreErrorBox error={err} t={t} />;
  }
  const n = (v: number) => formatNumber(v, lang);
  const accountName = new Map(accounts.map((a) => [a.id, `${a.platform} · ${a.displayName}`]));
  return (
    <>
      <AdminNav t={t} current="/admin/operations" />
      <h1>{t('adminOperations')}</h1>
      <p className="tagline">{t('adminOperationsIntro')}</p>
      {retriedId ? (
        <p role="status" className="admin-alert ok" data-testid="job-retried">
          {t('adminJobRetried', { id: retriedId })}
        </p>
      ) : null}

      <section aria-labelledby="queues">
        <h2 id="queues">{t('adminQueues')}</h2>
        {view.queues === null ? (
          <p role="status">{t('adminQueuesOff')}</p>
        ) : typeof view.queues === 'string' ? (
          <p role="alert" className="form-error">
            {t('adminQueuesDown', { reason: view.queues })}
          </p>
        ) : (
          <div className="table-scroll">
            <table data-testid="queue-counts">
              <thead>
                <tr>
                  <th scope="col">{t('adminQueue')}</th>
                  {COUNTED_STATES.map((s) => (
                    <th key={s} scope="col" className="num">
                      {t(COUNT_LABEL[s])}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {view.queues.map((q) => (
                  <tr key={q.name} data-queue={q.name}>
                    <th scope="row">
                      {t(q.name === 'harvest' ? 'adminQueueHarvest' : 'adminQueueDiscovery')}
                    </th>
                    {COUNTED_STATES.map((s) => (
                      <td key={s} className="num" data-count={s} data-value={q.counts[s]}>
                        {n(q.counts[s])}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="failed-jobs">
        <h2 id="failed-jobs">{t('adminFailedJobs')}</h2>
        {view.failed.length === 0 ? (
          <p>{t('adminFailedNone')}</p>
        ) : (
          <div className="table-scroll">
            <table data-testid="failed-jobs">
              <thead>
                <tr>
                  <th scope="col">{t('adminQueue')}</th>
                  <th scope="col">{t('adminJobId')}</th>
                  <th scope="col">{t('adminJobReason')}</th>
                  <th scope="col" className="num">
                    {t('adminJobAttempts')}
                  </th>
                  <th scope="col">{t('adminJobWhen')}</th>
                  <th scope="col">{t('adminUserActions')}</th>
                </tr>
              </thead>
              <tbody>
                {view.failed.map((job) => (
                  <tr key={`${job.queue}:${job.id}`} data-job={job.id}>
                    <td>{job.queue}</td>
                    <td className="job-id">{job.id}</td>
                    <td>{job.reason || t('none')}</td>
                    <td className="num">{n(job.attempts)}</td>
                    <td>{job.failedAt ? formatDateTimeBE(job.failedAt, lang) : t('none')}</td>
                    <td>
                      <AdminForm
                        action={retryJob}
                        submitLabel={t('adminJobRetry')}
                        workingLabel={t('adminWorking')}
                        testId={`retry-${job.id}`}
                        className="inline-form"
                      >
                        <input type="hidden" name="queue" value={job.queue} />
                        <input type="hidden" name="jobId" value={job.id} />
                      </AdminForm>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="runs">
        <h2 id="runs">{t('adminRuns')}</h2>
        {view.runs.length === 0 ? (
          <p>{t('adminRunsNone')}</p>
        ) : (
          <div className="table-scroll">
            <table data-testid="harvest-runs">
              <thead>
                <tr>
                  <th scope="col">{t('adminRunFinished')}</th>
                  <th scope="col">{t('adminRunAccount')}</th>
                  <th scope="col" className="num">
                    {t('adminRunPosts')}
                  </th>
                  <th scope="col" className="num">
                    {t('adminRunCalls')}
                  </th>
                  <th scope="col" className="num">
                    {t('adminRunDuration')}
                  </th>
                  <th scope="col">{t('adminRunStatus')}</th>
                </tr>
              </thead>
              <tbody>
                {view.runs.map((r) => (
                  <tr key={r.id} data-run={r.id}>
                    <td>{r.finishedAt ? formatDateTimeBE(r.finishedAt, lang) : t('none')}</td>
                    <td>{accountName.get(r.accountId) ?? r.platform}</td>
                    <td className="num">
                      {n(r.postsAnswered)}/{n(r.postsAsked)}
                    </td>
                    <td className="num">{n(r.apiCalls)}</td>
                    <td className="num">
                      {r.durationMs === null ? t('none') : formatDuration(r.durationMs, lang)}
                    </td>
                    <td>{r.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="token-states">
        <h2 id="token-states">{t('adminTokenStates')}</h2>
        {accounts.length === 0 ? (
          <p>{t('adminAccountNone')}</p>
        ) : (
          <div className="table-scroll">
            <table data-testid="token-states">
              <thead>
                <tr>
                  <th scope="col">{t('adminAccountPlatform')}</th>
                  <th scope="col">{t('adminAccountName')}</th>
                  <th scope="col">{t('adminAccountTokenState')}</th>
                  <th scope="col">{t('adminAccountCheckedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {accounts.map((a) => (
                  <tr key={a.id} data-account={`${a.platform}:${a.externalId}`}>
                    <td>{a.platform}</td>
                    <td>{a.displayName}</td>
                    <td>
                      <TokenState status={a.tokenStatus} hasToken={a.hasToken} t={t} />
                    </td>
                    <td>
                      {a.tokenCheckedAt
                        ? formatDateTimeBE(a.tokenCheckedAt, lang)
                        : t('adminNever')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
