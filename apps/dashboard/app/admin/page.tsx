import { ADMIN_SECTIONS, AdminNav } from '../../components/admin/AdminNav';
import { requireRole } from '../../lib/auth/guard';
import { getI18n } from '../../lib/i18n/server';

export const dynamic = 'force-dynamic';

export default async function AdminIndexPage() {
  await requireRole('admin', '/admin');
  const { t } = await getI18n();
  return (
    <>
      <AdminNav t={t} current="/admin" />
      <h1>{t('adminTitle')}</h1>
      <p className="tagline">{t('adminIntro')}</p>
      <ul className="admin-sections">
        {ADMIN_SECTIONS.map((s) => (
          <li key={s.href}>
            <a href={s.href}>{t(s.key)}</a>
            <p>{t(s.intro)}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
