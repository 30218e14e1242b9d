import { reportDocx, reportText } from '@reachline/shared/store';
import { authorize } from '../../../lib/auth/guard';
import { getReport } from '../../../lib/queries/reports';

export const dynamic = 'force-dynamic';

/** `GET /reports/download?id=<report id>&format=txt|docx`: the entry as filed (viewers may). */
export async function GET(request: Request) {
  const caller = await authorize(request, 'viewer');
  if (caller instanceof Response) return caller;
  const url = new URL(request.url);
  const format = url.searchParams.get('format') ?? 'txt';
  if (format !== 'txt' && format !== 'docx')
    return Response.json({ error: 'format must be "txt" or "docx".' }, { status: 400 });
  const id = url.searchParams.get('id') ?? '';
  if (!/^[0-9a-f]{24}$/.test(id))
    return Response.json({ error: 'id must be a report id of 24 hex digits.' }, { status: 400 });
  const report = await getReport(id);
  if (!report) return Response.json({ error: 'There is no such report.' }, { status: 404 });
  const text = reportText(report);
  const name = `reachline-report-${report.monthKey}`;
  if (format === 'txt')
    return new Response(`${text}\n`, {
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': `attachment; filename="${name}.txt"`,
        'cache-control': 'no-store',
      },
    });
  const docx = await reportDocx(text, `Reachline ${report.monthKey}`);
  return new Response(new Uint8Array(docx), {
    headers: {
      'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'content-disposition': `attachment; filename="${name}.docx"`,
      'cache-control': 'no-store',
    },
  });
}
