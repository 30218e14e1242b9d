import { getI18n } from '../lib/i18n/server';

export default async function Forbidden() {
  const { t } = await getI18n();
  return (
    <section className="error-box" role="alert" data-testid="forbidden">
      <h1>{t('forbiddenTitle')}</h1>
      <p>{t('forbiddenBody')}</p>
      <p>
        <a href="/">{t('backToOverview')}</a>
      </p>
    </section>
  );
}
