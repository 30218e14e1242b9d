import 'server-only';
import { cookies } from 'next/headers';
import { isLang, type Lang, translator, type Translate } from './catalog';

export const LANG_COOKIE = 'reachline_lang';

/** This request's language (cookie, Thai by default) and its translate function. */
export async function getI18n(): Promise<{ lang: Lang; t: Translate }> {
  const value = (await cookies()).get(LANG_COOKIE)?.value;
  const lang: Lang = isLang(value) ? value : 'th';
  return { lang, t: translator(lang) };
}
