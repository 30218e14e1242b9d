'use client';
import { usePathname, useSearchParams } from 'next/navigation';

/** The other language, one click away; comes back to the same page with the same filters. */
export function LangSwitch({ to, text, label }: { to: 'th' | 'en'; text: string; label: string }) {
  const pathname = usePathname();
  const search = useSearchParams().toString();
  const back = search ? `${pathname}?${search}` : pathname;
  return (
    <a
      className="lang-switch"
      href={`/lang?to=${to}&back=${encodeURIComponent(back)}`}
      hrefLang={to}
      lang={to}
      aria-label={label}
      data-testid="lang-switch"
    >
      {text}
    </a>
  );
}
