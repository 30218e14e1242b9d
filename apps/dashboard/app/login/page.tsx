import { redirect } from 'next/navigation';
import { safeReturnPath } from '../../lib/auth/guard';
import { currentUser } from '../../lib/auth/session';
import { getI18n } from '../../lib/i18n/server';
import { LoginForm } from './LoginForm';

export const dynamic = 'force-dynamic';

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const next = safeReturnPath(typeof params.next === 'string' ? params.next : '/');
  const user = await currentUser().catch(() => null);
  if (user) redirect(next);
  const { t } = await getI18n();
  return (
    <section className="login-box" aria-labelledby="login-title">
      <h1 id="login-title">{t('loginTitle')}</h1>
      <LoginForm
        next={next}
        texts={{
          email: t('loginEmail'),
          password: t('loginPassword'),
          submit: t('loginSubmit'),
          errors: {
            loginFailed: t('loginFailed'),
            loginBlocked: t('loginBlocked'),
            loginMissing: t('loginMissing'),
            loginUnavailable: t('loginUnavailable'),
          },
        }}
      />
    </section>
  );
}
