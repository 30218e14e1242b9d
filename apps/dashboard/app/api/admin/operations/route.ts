import { authorize } from '../../../../lib/auth/guard';
import { getOperationsView } from '../../../../lib/queries/adminOperations';

export const dynamic = 'force-dynamic';

/**
 * The operations page as JSON for the admin role (monitoring scripts): queue counts, failed jobs
 * (ids and reasons only) and the last harvest runs. API tokens are read-only and get 403.
 */
export async function GET(request: Request): Promise<Response> {
  const caller = await authorize(request, 'admin');
  if (caller instanceof Response) return caller;
  try {
    const view = await getOperationsView();
    return Response.json(view, { headers: { 'cache-control': 'no-store' } });
  } catch {
    return Response.json(
      { error: 'The store did not answer; try again.' },
      { status: 503, headers: { 'cache-control': 'no-store' } },
    );
  }
}
