import { safeReturnPath } from '../../lib/auth/guard';
import { isLang } from '../../lib/i18n/catalog';
import { LANG_COOKIE } from '../../lib/i18n/server';

export const dynamic = 'force-dynamic';

/** `GET /lang?to=en&back=/stories`: remembers the language (a preference, not data) and goes back. */
export function GET(request: Request) {
  const url = new URL(request.url);
  const to = url.searchParams.get('to');
  if (!isLang(to)) return Response.json({ error: 'to must be "th" or "en".' }, { status: 400 });
  const back = safeReturnPath(url.searchParams.get('back'));
  return new Response(null, {
    status: 303,
    headers: {
      location: back,
      'set-cookie': `${LANG_COOKIE}=${to}; Path=/; Max-Age=31536000; SameSite=Lax`,
    },
  });
}
