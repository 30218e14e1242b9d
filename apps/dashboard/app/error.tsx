'use client';
import { useEffect, useState } from 'react';
import { useStoreRecovery } from '../components/useStoreRecovery';
import { isLang, type Lang, translator } from '../lib/i18n/catalog';

/**
 * What a person sees when a page or a form's server action fails in a way no form answers: one
 * sentence in their language, never a stack trace, and a way back. Nothing was changed: every
 * action checks its input before writing. When the cause is the store being down (asked of
 * /api/health), it says so and reloads the page by itself once the store answers again.
 */
export default function ErrorPage() {
  const [lang, setLang] = useState<Lang>('th');
  const storeDown = useStoreRecovery();
  useEffect(() => {
    const documentLang = document.documentElement.lang;
    if (isLang(documentLang)) setLang(documentLang);
  }, []);
  const t = translator(lang);
  return (
    <section className="error-box" role="alert" data-testid="error-page">
      <h1>{storeDown ? t('storeUnavailableTitle') : t('errorTitle')}</h1>
      <p>{storeDown ? t('storeDownBody') : t('errorBody')}</p>
      <p>
        <button type="button" onClick={() => window.location.reload()}>
          {t('errorRetry')}
        </button>
      </p>
    </section>
  );
}
