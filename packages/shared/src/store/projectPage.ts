/**
 * The whole project page (header, goal, entries newest first, plan steps, KPI block, quarterly
 * table) as one text, from the store: the year's settings and page texts, its reports (each as
 * filed: the editor's text, else the generated one), and its stories for the quarterly tallies.
 */
import type { Types } from 'mongoose';
import { DEFAULT_KPI_TARGETS, DEFAULT_PLAN_STEPS } from '../kpi';
import {
  computeQuarterTable,
  formatGoalText,
  formatProjectPage,
  progressAtQuarterEnds,
  type ProjectPageInput,
} from '../report/index';
import type { FiscalQuarter } from '../thaiCalendar';
import type { ReachlineModels } from '../models/index';
import { lastDayOf, reportProgress, reportText } from './reports';

/** `YYYY-MM-DD` of a Bangkok instant. */
function dayOf(instant: Date): string {
  return new Date(instant.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

export async function buildProjectPage(
  models: ReachlineModels,
  projectId: Types.ObjectId,
  fiscalYear: number,
  asOf: Date,
): Promise<string> {
  const [settings, reports, stories] = await Promise.all([
    models.KpiSettings.findOne({ projectId, fiscalYear }).lean(),
    models.Report.find({ projectId, fiscalYear }).lean(),
    models.Story.find(
      { projectId, 'period.fiscalYear': fiscalYear },
      { publishedAt: 1, reach: 1 },
    ).lean(),
  ]);
  const page = settings?.page;
  const threshold = settings?.threshold ?? DEFAULT_KPI_TARGETS.threshold;
  const targetStories = settings?.targetStories ?? DEFAULT_KPI_TARGETS.targetStories;
  const targetPercent = settings?.targetPercent ?? DEFAULT_KPI_TARGETS.targetPercent;
  const fyFirstDay = `${fiscalYear - 543 - 1}-10-01`;
  const entries = reports.map((r) => ({
    kind: 'text' as const,
    reportDate: lastDayOf(r.monthKey),
    progressPercent: reportProgress(r),
    text: reportText(r),
  }));
  const progressAtQuarterEnd = progressAtQuarterEnds(
    entries.map((e) => ({ reportDate: e.reportDate, percent: e.progressPercent })),
    fiscalYear,
  );
  const planSteps = (settings?.planSteps ?? DEFAULT_PLAN_STEPS).map((step, i) => ({
    name: step.name,
    weight: step.weight,
    start: page?.stepDates[i]?.start ?? fyFirstDay,
    end: page?.stepDates[i]?.end ?? fyFirstDay,
  }));
  const input: ProjectPageInput = {
    header: {
      activity: page?.activity ?? '',
      projectCode: page?.projectCode ?? '',
      owner: page?.owner ?? '',
      fiscalYear,
      contact: page?.contact ?? '',
      assessment:
        page?.assessmentQuarter && page.assessmentScore !== null
          ? { quarter: page.assessmentQuarter as FiscalQuarter, score: page.assessmentScore }
          : null,
    },
    texts: {
      rationale: page?.rationale ?? '',
      unitCode: page?.unitCode ?? '',
      objective: page?.objective ?? '',
      goal: formatGoalText({ targetPercent, targetStories, threshold }),
      strategies: page?.strategies ?? [],
    },
    entries,
    planSteps,
    kpi: {
      code: page?.kpiCode ?? '',
      indicator: page?.kpiIndicator ?? '',
      targetPercent,
      types: page?.kpiTypes ?? [],
    },
    quarters: computeQuarterTable({
      fiscalYear,
      stories: stories.map((s) => ({ publishedAt: s.publishedAt, reach: s.reach })),
      threshold,
      targetStories,
      targetPercent,
      progressAtQuarterEnd,
      asOf: dayOf(asOf),
    }),
  };
  return formatProjectPage(input);
}
