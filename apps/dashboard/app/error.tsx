'use client';
import { useEffect, useState } from 'react';
import { isLang, type Lang, translator } from '../lib/i18n/catalog';

/**
 * What a person sees when a page or a form's server action fails in a way no form answers (a
 * body over the server-action limit, a crash): one sentence in their language, never a stack
 * trace, and a way back. Nothing was changed: every action checks its input before writing.
 */
export default function ErrorPage() {
  const [lang, setLang] = useState<Lang>('th');
  useEffect(() => {
    const documentLang = document.documentElement.lang;
    if (isLang(documentLang)) setLang(documentLang);
  }, []);
  const t = translator(lang);
  return (
    <section className="error-box" role="alert" data-testid="error-page">
      <h1>{t('errorTitle')}</h1>
      <p>{t('errorBody')}</p>
      <p>
        <button type="button" onClick={() => window.location.reload()}>
          {t('errorRetry')}
        </button>
      </p>
    </section>
  );
}
