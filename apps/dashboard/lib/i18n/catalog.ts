/**
 * The message catalogue: every user-facing string, in Thai (the default) and English. Each area
 * keeps its own file under messages/; this joins them. A missing English key fails `tsc`.
 */
import { common } from './messages/common';
import { admin } from './messages/admin';
import { overview } from './messages/overview';
import { reports } from './messages/reports';
import { stories } from './messages/stories';
import { storyPage } from './messages/storyPage';

export const LANGS = ['th', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export const catalog = {
  th: {
    ...common.th,
    ...overview.th,
    ...stories.th,
    ...storyPage.th,
    ...admin.th,
    ...reports.th,
  },
  en: {
    ...common.en,
    ...overview.en,
    ...stories.en,
    ...storyPage.en,
    ...admin.en,
    ...reports.en,
  },
} as const;

export type MessageKey = keyof (typeof catalog)['th'];

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** `{name}` placeholders filled from vars; an unknown placeholder is left as it is. */
export function translator(lang: Lang): Translate {
  const messages: Record<string, string> = catalog[lang];
  return (key, vars) => {
    const text = messages[key] ?? key;
    if (!vars) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in vars ? String(vars[name]) : whole,
    );
  };
}

export function isLang(value: unknown): value is Lang {
  return value === 'th' || value === 'en';
}

/** The messages whose keys start with `prefix`, for a client component of that area. */
export function messagesWithPrefix(lang: Lang, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, text] of Object.entries(catalog[lang]))
    if (key.startsWith(prefix)) out[key] = text;
  return out;
}
