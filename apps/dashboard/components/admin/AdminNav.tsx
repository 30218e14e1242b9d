import type { Translate } from '../../lib/i18n/catalog';

export const ADMIN_SECTIONS = [
  { href: '/admin/users', key: 'adminUsers', intro: 'adminUsersIntro' },
  { href: '/admin/accounts', key: 'adminAccounts', intro: 'adminAccountsIntro' },
  { href: '/admin/projects', key: 'adminProjects', intro: 'adminProjectsIntro' },
  { href: '/admin/tokens', key: 'adminTokens', intro: 'adminTokensIntro' },
  { href: '/admin/operations', key: 'adminOperations', intro: 'adminOperationsIntro' },
] as const;

/** The admin sections, with the current one marked for screen readers. */
export function AdminNav({ t, current }: { t: Translate; current: string }) {
  return (
    <nav aria-label={t('adminNav')} className="admin-nav">
      <a href="/admin" aria-current={current === '/admin' ? 'page' : undefined}>
        {t('adminTitle')}
      </a>
      {ADMIN_SECTIONS.map((s) => (
        <a
          key={s.href}
          href={s.href}
          aria-current={current.startsWith(s.href) ? 'page' : undefined}
        >
          {t(s.key)}
        </a>
      ))}
    </nav>
  );
}
