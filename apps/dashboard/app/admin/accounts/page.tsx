import { PLATFORMS } from '@reachline/shared';
import { StoreErrorBox } from '../../../components/StoreErrorBox';
import { AdminForm } from '../../../components/admin/AdminForm';
import { AdminNav } from '../../../components/admin/AdminNav';
import { TokenState } from '../../../components/admin/TokenState';
import { requireRole } from '../../../lib/auth/guard';
import { formatDateTimeBE } from '../../../lib/i18n/format';
import { getI18n } from '../../../lib/i18n/server';
import { type AdminAccountRow, listAdminAccounts } from '../../../lib/queries/adminAccounts';
import { removeAccount, saveAccount } from './actions';

export const dynamic = 'force-dynamic';

export default async function AdminAccountsPage() {
  await requireRole('admin', '/admin/accounts');
  const { lang, t } = await getI18n();
  let accounts: AdminAccountRow[];
  try {
    accounts = await listAdminAccounts();
  } catch (err) {
    return <StoreErrorBox error={err} t={t} />;
  }
  const when = (d: Date | null) => (d ? formatDateTimeBE(d, lang) : t('adminNever'));
  return (
    <>
      <AdminNav t={t} current="/admin/accounts" />
      <h1>{t('adminAccounts')}</h1>
      <p className="tagline">{t('adminAccountsIntro')}</p>

      <section aria-labelledby="new-account" className="admin-panel">
        <h2 id="new-account">{t('adminAccountNew')}</h2>
        <AdminForm
          action={saveAccount}
          submitLabel={t('adminAccountAdd')}
          workingLabel={t('adminWorking')}
          testId="account-add"
          resetOnSuccess
        >
          <label htmlFor="acc-platform">{t('adminAccountPlatform')}</label>
          <select id="acc-platform" name="platform" defaultValue="facebook">
            {PLATFORMS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
          <label htmlFor="acc-id">{t('adminAccountId')}</label>
          <input id="acc-id" name="externalId" required maxLength={200} autoComplete="off" />
          <label htmlFor="acc-name">{t('adminAccountName')}</label>
          <input id="acc-name" name="displayName" required maxLength={200} autoComplete="off" />
          <label htmlFor="acc-token">{t('adminAccountToken')}</label>
          <input
            id="acc-token"
            name="token"
            type="password"
            required
            autoComplete="off"
            spellCheck={false}
            aria-describedby="acc-token-hint"
          />
          <p id="acc-token-hint" className="admin-hint">
            {t('adminAccountTokenHint')}
          </p>
        </AdminForm>
      </section>

      <section aria-labelledby="account-list">
        <h2 id="account-list">{t('adminAccountList')}</h2>
        {accounts.length === 0 ? (
          <p>{t('adminAccountNone')}</p>
        ) : (
          <div className="table-scroll">
            <table data-testid="accounts">
              <thead>
                <tr>
                  <th scope="col">{t('adminAccountPlatform')}</th>
                  <th scope="col">{t('adminAccountName')}</th>
                  <th scope="col">{t('adminAccountId')}</th>
                  <th scope="col">{t('adminAccountTokenState')}</th>
                  <th scope="col">{t('adminAccountCheckedAt')}</th>
                  <th scope="col">{t('adminAccountLastDiscovery')}</th>
                  <th scope="col">{t('adminUserActions')}</th>
                </tr>
              </thead>
              <tbody>
                {accounts.map((a) => (
                  <tr key={a.id} data-account={`${a.platform}:${a.externalId}`}>
                    <td>{a.platform}</td>
                    <td>{a.displayName}</td>
                    <td>{a.externalId}</td>
                    <td>
                      <TokenState status={a.tokenStatus} hasToken={a.hasToken} t={t} />
                    </td>
                    <td>{when(a.tokenCheckedAt)}</td>
                    <td>{when(a.lastDiscoveredAt)}</td>
                    <td>
                      <details>
                        <summary>{t('adminAccountRemove')}</summary>
                        <AdminForm
                          action={removeAccount}
                          submitLabel={t('adminAccountRemoveConfirm', { name: a.displayName })}
                          workingLabel={t('adminWorking')}
                          testId={`remove-${a.platform}-${a.externalId}`}
                          className="inline-form"
                          submitClassName="danger"
                        >
                          <input type="hidden" name="accountId" value={a.id} />
                        </AdminForm>
                      </details>
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
