import { authorize } from '../../../../lib/auth/guard';
import { storeProblemOf } from '../../../../lib/db';
import {
  csvDateBE,
  bangkokWallClock,
  exportFileName,
  storiesTable,
} from '../../../../lib/export/storiesTable';
import { toCsv } from '../../../../lib/export/csv';
import { toXlsx } from '../../../../lib/export/xlsx';
import { getI18n } from '../../../../lib/i18n/server';
import { listStories, paramsOf } from '../../../../lib/queries/stories';

export const dynamic = 'force-dynamic';

function sentence(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/**
 * `GET /api/export/stories?format=csv|xlsx&<the list's query>`: every story the list page would
 * show for the same query (all pages), as a download in the user's language.
 */
export async function GET(request: Request) {
  const caller = await authorize(request, 'viewer');
  if (caller instanceof Response) return caller;
  const { t } = await getI18n();
  const search = new URL(request.url).searchParams;
  const format = search.get('format') ?? '';
  if ((format !== 'csv' && format !== 'xlsx') || search.getAll('format').length > 1)
    return sentence(400, t('storiesBadFormat', { value: format.slice(0, 40) }));

  let outcome;
  try {
    outcome = await listStories(paramsOf(search));
  } catch (err) {
    return sentence(503, storeProblemOf(err)?.message ?? t('storeUnavailable'));
  }
  if (!outcome.ok) return sentence(400, t(outcome.problem.key, outcome.problem.vars));

  const table = storiesTable(outcome.result.items, t);
  const name = exportFileName(outcome.selection.fiscalYear, outcome.query.month, format);
  const headers = {
    'content-disposition': `attachment; filename="${name}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
  if (format === 'csv')
    return new Response(toCsv(table, csvDateBE), {
      headers: { ...headers, 'content-type': 'text/csv; charset=utf-8' },
    });
  const body = await toXlsx(table, t('storiesExportSheet'), bangkokWallClock);
  return new Response(new Uint8Array(body), {
    headers: {
      ...headers,
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    },
  });
}
