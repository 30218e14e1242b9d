import { AdminForm } from '../../../components/admin/AdminForm';
import { StoreErrorBox } from '../../../components/StoreErrorBox';
import { AdminNav } from '../../../components/admin/AdminNav';
import { requireRole } from '../../../lib/auth/guard';
import { formatDateTimeBE } from '../../../lib/i18n/format';
import { getI18n } from '../../../lib/i18n/server';
import { type AdminApiTokenRow, listAdminApiTokens } from '../../../lib/queries/adminTokens';
import { createApiToken, revokeApiToken } from './actions';

export const dynamic = 'force-dynamic';

export default async function AdminTokensPage() {
  await requireRole('admin', '/admin/tokens');
  const { lang, t } = await getI18n();
  let tokens: AdminApiTokenRow[];
  try {
    tokens = await listAdminApiTokens();
  } catch (err) {
    return <StoreErrorBox error={err} t={t} />;
  }
  const when = (d: Date | null) => (d ? formatDateTimeBE(d, lang) : t('adminNever'));
  return (
    <>
      <AdminNav t={t} current="/admin/tokens" />
      <h1>{t('adminTokens')}</h1>
      <p className="tagline">{t('adminTokensIntro')}</p>

      <section aria-labelledby="new-token" className="admin-panel">
        <h2 id="new-token">{t('adminApiTokenNew')}</h2>
        <AdminForm
          action={createApiToken}
          submitLabel={t('adminApiTokenCreate')}
          workingLabel={t('adminWorking')}
          testId="token-create"
          resetOnSuccess
          secretHint={t('adminApiTokenCopyHint')}
        >
          <label htmlFor="tok-name">{t('adminApiTokenName')}</label>
          <input id="tok-name" name="name" required maxLength={100} autoComplete="off" />
        </AdminForm>
      </section>

      <section aria-labelledby="token-list">
        <h2 id="token-list">{t('adminApiTokenList')}</h2>
        {tokens.length === 0 ? (
          <p>{t('adminApiTokenNone')}</p>
        ) : (
          <div className="table-scroll">
            <table data-testid="api-tokens">
              <thead>
                <tr>
                  <th scope="col">{t('adminApiTokenColumn')}</th>
                  <th scope="col">{t('adminApiTokenPrefix')}</th>
                  <th scope="col">{t('adminApiTokenCreatedAt')}</th>
                  <th scope="col">{t('adminApiTokenLastUsed')}</th>
                  <th scope="col">{t('adminApiTokenState')}</th>
                  <th scope="col">{t('adminUserActions')}</th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((tok) => (
                  <tr key={tok.id} data-token-name={tok.name}>
                    <td>{tok.name}</td>
                    <td>
                      <code>{tok.prefix}…</code>
                    </td>
                    <td>{when(tok.createdAt)}</td>
                    <td>{when(tok.lastUsedAt)}</td>
                    <td>{tok.revoked ? t('adminApiTokenRevoked') : t('adminApiTokenActive')}</td>
                    <td>
                      {tok.revoked ? null : (
                        <details>
                          <summary>{t('adminApiTokenRevoke')}</summary>
                          <AdminForm
                            action={revokeApiToken}
                            submitLabel={t('adminApiTokenRevokeConfirm', { name: tok.name })}
                            workingLabel={t('adminWorking')}
                            testId={`revoke-${tok.name}`}
                            className="inline-form"
                            submitClassName="danger"
                          >
                            <input type="hidden" name="tokenId" value={tok.id} />
                          </AdminForm>
                        </details>
                      )}
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
