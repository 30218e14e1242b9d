import {
  type FiscalQuarter,
  formatMonthKey,
  monthsOfFiscalQuarter,
  percentOf,
} from '@reachline/shared';
import { authorize } from '../../../../lib/auth/guard';
import { storeProblemOf } from '../../../../lib/db';
import { getKpiOverview } from '../../../../lib/queries/getKpiOverview';
import { paramsOf, problemResponse } from '../../../../lib/queries/stories';
import { resolveSelection } from '../../../../lib/selection';

export const dynamic = 'force-dynamic';

/**
 * `GET /api/v1/kpi?project=<slug>&fy=<BE year>`: the figures the overview shows (from the
 * collector's `kpi_figures` document, by `_id`), with each quarter alone and from the start of
 * the year (the quarterly KPI table's figure).
 */
export async function GET(request: Request) {
  const caller = await authorize(request, 'viewer');
  if (caller instanceof Response) return caller;
  try {
    const chosen = await resolveSelection(paramsOf(new URL(request.url).searchParams));
    if (!chosen.ok)
      return problemResponse({
        key: chosen.problem,
        vars: { value: chosen.value.slice(0, 40) },
      });
    const { project, fiscalYear } = chosen.selection;
    const kpi = await getKpiOverview(project.id, fiscalYear);
    let cumulativePublished = 0;
    let cumulativePassed = 0;
    const quarters = ([1, 2, 3, 4] as FiscalQuarter[]).map((quarter) => {
      let published = 0;
      let passed = 0;
      for (const { year, month } of monthsOfFiscalQuarter(fiscalYear, quarter)) {
        const m = kpi.months[formatMonthKey(year, month)];
        published += m?.published ?? 0;
        passed += m?.passed ?? 0;
      }
      cumulativePublished += published;
      cumulativePassed += passed;
      return {
        quarter,
        published,
        passed,
        passRatePercent: percentOf(passed, published),
        cumulative: {
          published: cumulativePublished,
          passed: cumulativePassed,
          passRatePercent: percentOf(cumulativePassed, cumulativePublished),
        },
      };
    });
    return Response.json(
      {
        project: { slug: project.slug, name: project.name, nameEn: project.nameEn },
        fiscalYear,
        threshold: kpi.threshold,
        targetPercent: kpi.targetPercent,
        targetStories: kpi.targetStories,
        published: kpi.published,
        passed: kpi.passed,
        below: kpi.published - kpi.passed,
        passRatePercent: kpi.passRatePercent,
        quota: kpi.quota,
        quotaProgress: kpi.quotaProgress,
        months: kpi.months,
        quarters,
        figuresUpdatedAt: kpi.figuresUpdatedAt?.toISOString() ?? null,
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
