import { authorize } from '../../../../lib/auth/guard';
import { storeProblemOf } from '../../../../lib/db';
import { listStories, paramsOf, problemResponse, storyJson } from '../../../../lib/queries/stories';

export const dynamic = 'force-dynamic';

/**
 * `GET /api/v1/stories?project=&fy=&q=&month=&platform=&status=&sort=&dir=&page=&pageSize=`:
 * the list page's query as JSON, `{ total, page, pageSize, pageCount, items }`.
 */
export async function GET(request: Request) {
  const caller = await authorize(request, 'viewer');
  if (caller instanceof Response) return caller;
  try {
    const outcome = await listStories(paramsOf(new URL(request.url).searchParams));
    if (!outcome.ok) return problemResponse(outcome.problem);
    const { page, selection } = outcome;
    return Response.json(
      {
        project: selection.project.slug,
        fiscalYear: selection.fiscalYear,
        total: page.total,
        page: page.page,
        pageSize: page.pageSize,
        pageCount: page.pageCount,
        items: page.items.map(storyJson),
      },
      { headers: { 'cache-control': 'no-store' } },
    );
  } catch (err) {
    const problem = storeProblemOf(err);
    if (problem)
      return Response.json(
        { error: problem.message },
        { status: 503, headers: { 'retry-after': '5', 'cache-control': 'no-store' } },
      );
    throw err;
  }
}
