import { getI18n } from '../lib/i18n/server';

export default async function NotFound() {
  const { t } = await getI18n();
  return (
    <section className="error-box" role="alert">
      <h1>{t('notFoundTitle')}</h1>
      <p>
        <a href="/">{t('backToOverview')}</a>
      </p>
    </section>
  );
}
