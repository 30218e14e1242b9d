import { sameOrigin } from '../../lib/auth/guard';
import { endSession } from '../../lib/auth/session';

export const dynamic = 'force-dynamic';

/** Sign-out: POST only (a link or image cannot sign anybody out), from this site only. */
export async function POST(request: Request) {
  if (!sameOrigin(request))
    return Response.json(
      { error: 'This request did not come from the dashboard.' },
      { status: 403 },
    );
  await endSession();
  return new Response(null, { status: 303, headers: { location: '/login' } });
}
