import { AdminForm } from '../../../components/admin/AdminForm';
import { StoreErrorBox } from '../../../components/StoreErrorBox';
import { AdminNav } from '../../../components/admin/AdminNav';
import { ADMIN_ROLES } from '../../../lib/admin/validation';
import { requireRole } from '../../../lib/auth/guard';
import { PASSWORD_MIN_LENGTH } from '../../../lib/auth/password';
import type { Translate } from '../../../lib/i18n/catalog';
import { formatDateTimeBE } from '../../../lib/i18n/format';
import { getI18n } from '../../../lib/i18n/server';
import { type AdminUserRow, listAdminUsers } from '../../../lib/queries/adminUsers';
import { changeRole, createUser, endUserSessions, resetPassword, setDisabled } from './actions';

export const dynamic = 'force-dynamic';

const roleKey = (role: string) =>
  role === 'admin' ? 'roleAdmin' : role === 'editor' ? 'roleEditor' : 'roleViewer';

function RoleOptions({ t }: { t: Translate }) {
  return ADMIN_ROLES.map((r) => (
    <option key={r} value={r}>
      {t(roleKey(r))}
    </option>
  ));
}

export default async function AdminUsersPage() {
  await requireRole('admin', '/admin/users');
  const { lang, t } = await getI18n();
  let users: AdminUserRow[];
  try {
    users = await listAdminUsers();
  } catch (err) {
    return <StoreErrorBox error={err} t={t} />;
  }
  const working = t('adminWorking');
  return (
    <>
      <AdminNav t={t} current="/admin/users" />
      <h1>{t('adminUsers')}</h1>
      <p className="tagline">{t('adminUsersIntro')}</p>

      <section aria-labelledby="new-user" className="admin-panel">
        <h2 id="new-user">{t('adminUserNew')}</h2>
        <AdminForm
          action={createUser}
          submitLabel={t('adminUserCreate')}
          workingLabel={working}
          testId="user-create"
          resetOnSuccess
        >
          <label htmlFor="new-email">{t('adminUserEmail')}</label>
          <input
            id="new-email"
            name="email"
            type="email"
            required
            maxLength={254}
            autoComplete="off"
          />
          <label htmlFor="new-name">{t('adminUserName')}</label>
          <input id="new-name" name="displayName" required maxLength={200} autoComplete="off" />
          <label htmlFor="new-role">{t('adminUserRole')}</label>
          <select id="new-role" name="role" defaultValue="viewer">
            <RoleOptions t={t} />
          </select>
          <label htmlFor="new-password">{t('adminUserPassword')}</label>
          <input
            id="new-password"
            name="password"
            type="password"
            required
            minLength={PASSWORD_MIN_LENGTH}
            autoComplete="new-password"
          />
        </AdminForm>
      </section>

      <section aria-labelledby="user-list">
        <h2 id="user-list">{t('adminUserList')}</h2>
        <div className="table-scroll">
          <table data-testid="users">
            <thead>
              <tr>
                <th scope="col">{t('adminUserEmail')}</th>
                <th scope="col">{t('adminUserName')}</th>
                <th scope="col">{t('adminUserRole')}</th>
                <th scope="col">{t('adminUserStatus')}</th>
                <th scope="col">{t('adminUserLastLogin')}</th>
                <th scope="col">{t('adminUserActions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} data-email={u.email}>
                  <td>{u.email}</td>
                  <td>{u.displayName || t('none')}</td>
                  <td>{t(roleKey(u.role))}</td>
                  <td>{u.disabled ? t('adminUserDisabled') : t('adminUserActive')}</td>
                  <td>{u.lastLoginAt ? formatDateTimeBE(u.lastLoginAt, lang) : t('adminNever')}</td>
                  <td className="admin-row-actions">
                    <AdminForm
                      action={changeRole}
                      submitLabel={t('adminUserChangeRole')}
                      workingLabel={working}
                      testId={`role-${u.email}`}
                      className="inline-form"
                    >
                      <input type="hidden" name="userId" value={u.id} />
                      <label htmlFor={`role-${u.id}`} className="visually-hidden">
                        {t('adminUserRoleOf', { email: u.email })}
                      </label>
                      <select id={`role-${u.id}`} name="role" defaultValue={u.role}>
                        <RoleOptions t={t} />
                      </select>
                    </AdminForm>
                    <AdminForm
                      action={setDisabled}
                      submitLabel={u.disabled ? t('adminUserEnable') : t('adminUserDisable')}
                      workingLabel={working}
                      testId={`disable-${u.email}`}
                      className="inline-form"
                      submitClassName={u.disabled ? undefined : 'danger'}
                    >
                      <input type="hidden" name="userId" value={u.id} />
                      <input type="hidden" name="enable" value={u.disabled ? '1' : '0'} />
                    </AdminForm>
                    <AdminForm
                      action={endUserSessions}
                      submitLabel={t('adminUserSignOut')}
                      workingLabel={working}
                      testId={`signout-${u.email}`}
                      className="inline-form"
                    >
                      <input type="hidden" name="userId" value={u.id} />
                    </AdminForm>
                    <details>
                      <summary>{t('adminUserResetPassword')}</summary>
                      <AdminForm
                        action={resetPassword}
                        submitLabel={t('adminUserResetPassword')}
                        workingLabel={working}
                        testId={`password-${u.email}`}
                        resetOnSuccess
                      >
                        <input type="hidden" name="userId" value={u.id} />
                        <label htmlFor={`pw-${u.id}`}>{t('adminUserNewPassword')}</label>
                        <input
                          id={`pw-${u.id}`}
                          name="password"
                          type="password"
                          required
                          minLength={PASSWORD_MIN_LENGTH}
                          autoComplete="new-password"
                        />
                      </AdminForm>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
