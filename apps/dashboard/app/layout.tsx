import type { Metadata, Viewport } from 'next';
import { type ReactNode, Suspense } from 'react';
import { LangSwitch } from '../components/layout/LangSwitch';
import { hasRole } from '../lib/auth/guard';
import { currentUser } from '../lib/auth/session';
import { getI18n } from '../lib/i18n/server';
import './globals.css';

export const metadata: Metadata = {
  title: 'Reachline',
  description: 'Reach of every infographic against the 3,000 line and the year’s KPI',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const { lang, t } = await getI18n();
  const user = await currentUser().catch(() => null);
  const other = lang === 'th' ? 'en' : 'th';
  const roleName = user
    ? t(user.role === 'admin' ? 'roleAdmin' : user.role === 'editor' ? 'roleEditor' : 'roleViewer')
    : '';
  return (
    <html lang={lang}>
      <body>
        <a className="skip-link" href="#main">
          {t('skipToContent')}
        </a>
        <header className="topbar">
          <a className="brand" href="/">
            Reachline
          </a>
          <span className="tagline">{t('appTagline')}</span>
          {user ? (
            <nav aria-label={t('navMain')} className="mainnav">
              <a href="/">{t('navOverview')}</a>
              <a href="/stories">{t('navStories')}</a>
              <a href="/reports">{t('navReports')}</a>
              {hasRole(user, 'admin') ? <a href="/admin">{t('navAdmin')}</a> : null}
            </nav>
          ) : null}
          <div className="topbar-end">
            <Suspense fallback={null}>
              <LangSwitch to={other} text={t('switchLanguage')} label={t('switchLanguageLabel')} />
            </Suspense>
            {user ? (
              <>
                <span className="whoami" data-testid="whoami">
                  {t('signedInAs', { name: user.displayName || user.email, role: roleName })}
                </span>
                <form method="post" action="/logout">
                  <button type="submit" className="link-button">
                    {t('signOut')}
                  </button>
                </form>
              </>
            ) : null}
          </div>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
