/**
 * The monthly progress entry as a stored, reviewable document (collection `reports`): written by
 * the collector at month end as a draft, then edited, regenerated and approved by editors in the
 * dashboard. One document per project and month (`reportObjectId`), so a repeated month-end
 * trigger finds the draft it already wrote and changes nothing. Every change appends to
 * `history` (who, what, the text after it); an approved report is frozen with the numbers it
 * used, and only an explicit `reopen` makes it editable again.
 *
 * FerretDB has no transactions: each state change is one `updateOne` conditioned on the status
 * it expects, so two editors cannot approve and regenerate the same draft at once.
 */
import { Types } from 'mongoose';
import { DEFAULT_KPI_TARGETS, DEFAULT_PLAN_STEPS } from '../kpi';
import { reachMetricOf } from '../platforms';
import {
  DEFAULT_ENTRY_TEMPLATE,
  DEFAULT_REACH_LABEL,
  DEFAULT_REACH_UNIT,
  type EntryTemplate,
  computeProgress,
  formatMonthlyEntry,
  type MonthlyEntrySettings,
  storiesOfMonth,
} from '../report/index';
import { monthKeyBounds, monthKeyOf, parseMonthKey, periodOfMonthKey } from '../thaiCalendar';
import {
  type KpiSettingsDoc,
  kpiFiguresId,
  type ReachlineModels,
  type ReportAction,
  type ReportDoc,
  type ReportItem,
  type ReportProgressStep,
  reportObjectId,
  type StoryMember,
} from '../models/index';

/** Who changes a report: an editor, or the collector's month-end run (id null). */
export interface ReportActor {
  id: Types.ObjectId | null;
  name: string;
}

export const MONTH_END_ACTOR: ReportActor = { id: null, name: 'collector (month end)' };

/** A refused report change, with the sentence to show. */
export class ReportError extends Error {
  override name = 'ReportError';
}

type EntrySettingsSource = Partial<
  Pick<
    KpiSettingsDoc,
    | 'reportTemplate'
    | 'reportItemTemplate'
    | 'reportNoPostsTemplate'
    | 'reportUnit'
    | 'reportReachLabel'
  >
> | null;

/** The year's template, unit and reach label (empty template texts mean the defaults). */
export function entrySettingsOf(settings: EntrySettingsSource): MonthlyEntrySettings {
  const template: EntryTemplate = {
    status: settings?.reportTemplate || DEFAULT_ENTRY_TEMPLATE.status,
    item: settings?.reportItemTemplate || DEFAULT_ENTRY_TEMPLATE.item,
    itemSeparator: DEFAULT_ENTRY_TEMPLATE.itemSeparator,
    noPosts: settings?.reportNoPostsTemplate || DEFAULT_ENTRY_TEMPLATE.noPosts,
  };
  return {
    template,
    unit: settings?.reportUnit || DEFAULT_REACH_UNIT,
    reachLabel: settings?.reportReachLabel || DEFAULT_REACH_LABEL,
  };
}

/** 23:00 Asia/Bangkok on the month's last day: when the collector writes the month's draft. */
export function monthEndOf(monthKey: string): Date {
  const { end } = monthKeyBounds(monthKey);
  return new Date(end.getTime() - 60 * 60 * 1000);
}

/** The month key whose month end is the latest at or before `now`. */
export function lastClosedMonth(now: Date): string {
  const monthKey = monthKeyOf(now);
  if (monthEndOf(monthKey).getTime() <= now.getTime()) return monthKey;
  const { year, month } = parseMonthKey(monthKey);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` of the month's last day (the report date of a month-end draft). */
export function lastDayOf(monthKey: string): string {
  const { year, month } = parseMonthKey(monthKey);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${monthKey}-${String(last).padStart(2, '0')}`;
}

export interface ReportProgressResult {
  percent: number;
  steps: ReportProgressStep[];
  /** The working, one Thai line per step and a total (report/progress.ts). */
  working: string[];
}

interface BuiltEntry {
  fiscalYear: number;
  reportDate: Date;
  reportDateText: string;
  items: ReportItem[];
  progress: ReportProgressResult;
  text: (progressPercent: number, problems: string, obstacles: string) => string;
}

/** Everything a month's entry is written from, read from the store (stories of one month). */
export async function buildMonthEntry(
  models: ReachlineModels,
  projectId: Types.ObjectId,
  monthKey: string,
): Promise<BuiltEntry> {
  const { fiscalYear } = periodOfMonthKey(monthKey);
  const [settings, figures, stories, later] = await Promise.all([
    models.KpiSettings.findOne({ projectId, fiscalYear }).lean(),
    models.KpiFigures.findById(kpiFiguresId(fiscalYear, projectId)).lean(),
    // The stories collection is the one a list may scan; a month has a few dozen at most.
    models.Story.find({ projectId, 'period.monthKey': monthKey }).lean(),
    models.Report.countDocuments({ projectId, fiscalYear, monthKey: { $gt: monthKey } }),
  ]);
  const entrySettings = entrySettingsOf(settings);
  const months =
    figures?.months instanceof Map
      ? Object.fromEntries(figures.months)
      : ((figures?.months as Record<string, { published: number }> | undefined) ?? {});
  const publishedSoFar = Object.entries(months)
    .filter(([key]) => key <= monthKey)
    .reduce((sum, [, m]) => sum + m.published, 0);
  const reportDateText = lastDayOf(monthKey);
  const computed = computeProgress({
    planSteps: settings?.planSteps ?? DEFAULT_PLAN_STEPS,
    reportDate: reportDateText,
    targetStories: settings?.targetStories ?? DEFAULT_KPI_TARGETS.targetStories,
    publishedSoFar,
    fiscalYear,
  });
  const progress: ReportProgressResult = {
    percent: computed.percent,
    steps: computed.steps.map((st) => ({
      name: st.name,
      weight: st.weight,
      donePercent: st.donePercent,
    })),
    working: computed.working,
  };
  const ordered = storiesOfMonth(
    stories.map((s) => ({ title: s.title, publishedAt: s.publishedAt, reach: s.reach, story: s })),
    monthKey,
  ) as { title: string; publishedAt: Date; reach: number; story: (typeof stories)[number] }[];
  const items: ReportItem[] = ordered.map(({ story }) => {
    const members: [string, StoryMember][] =
      story.members instanceof Map
        ? [...story.members.entries()]
        : Object.entries(story.members ?? {});
    const counted = members.find(([, m]) => m.counted) ?? members[0];
    const platform = counted?.[1].platform ?? story.platforms[0] ?? 'facebook';
    return {
      postId: counted ? new Types.ObjectId(counted[0]) : story._id,
      storyId: story._id,
      platform,
      title: story.title,
      reach: story.reach,
      reachMetric: reachMetricOf(platform).metric,
      passed: story.passed,
    };
  });
  return {
    fiscalYear,
    reportDate: monthEndOf(monthKey),
    reportDateText,
    items,
    progress,
    text: (progressPercent, problems, obstacles) =>
      formatMonthlyEntry({
        entryNumber: later + 1,
        reportDate: reportDateText,
        month: monthKey,
        progressPercent,
        stories: ordered,
        problems,
        obstacles,
        settings: entrySettings,
      }),
  };
}

/**
 * The month-end draft: written once per project and month. When the report exists (a repeated
 * trigger, a second collector), nothing changes and 'exists' is returned.
 */
export async function writeMonthDraft(
  models: ReachlineModels,
  projectId: Types.ObjectId,
  monthKey: string,
  now: Date,
): Promise<'created' | 'exists'> {
  const _id = reportObjectId(projectId, monthKey);
  if (await models.Report.exists({ _id })) return 'exists';
  const built = await buildMonthEntry(models, projectId, monthKey);
  const text = built.text(built.progress.percent, 'ไม่มี', 'ไม่มี');
  try {
    await models.Report.create({
      _id,
      projectId,
      fiscalYear: built.fiscalYear,
      monthKey,
      reportDate: built.reportDate,
      progressPercent: built.progress.percent,
      progressSteps: built.progress.steps,
      progressOverride: null,
      generatedText: text,
      editedText: null,
      status: 'draft',
      items: built.items,
      generatedAt: now,
      problems: 'ไม่มี',
      obstacles: 'ไม่มี',
      history: [historyEntry(MONTH_END_ACTOR, 'generated', text, built.progress.percent, now)],
    });
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return 'exists';
    throw err;
  }
  return 'created';
}

function historyEntry(
  actor: ReportActor,
  action: ReportAction,
  text: string,
  progressPercent: number,
  at: Date,
) {
  return { at, by: actor.id, byName: actor.name, action, text, progressPercent };
}

/** The text a report stands for now: the editor's, else the generated one. */
export function reportText(report: Pick<ReportDoc, 'editedText' | 'generatedText'>): string {
  return report.editedText ?? report.generatedText;
}

/** The progress a report states: the editor's override, else the computed figure. */
export function reportProgress(
  report: Pick<ReportDoc, 'progressOverride' | 'progressPercent'>,
): number {
  return report.progressOverride ?? report.progressPercent;
}

async function loadDraft(models: ReachlineModels, id: Types.ObjectId): Promise<ReportDoc> {
  const report = await models.Report.findById(id).lean();
  if (!report) throw new ReportError('There is no such report.');
  if (report.status !== 'draft')
    throw new ReportError('This report is approved and frozen: reopen it first to change it.');
  return report;
}

async function applyIfDraft(
  models: ReachlineModels,
  id: Types.ObjectId,
  update: Record<string, unknown>,
): Promise<void> {
  const res = await models.Report.updateOne({ _id: id, status: 'draft' }, update);
  if (res.matchedCount === 0)
    throw new ReportError('The report changed meanwhile (approved by someone else?): reload it.');
}

/**
 * Rewrites a draft from the store's current numbers (and the editor's progress override, if
 * any). An approved report is never regenerated: reopen it first.
 */
export async function regenerateReport(
  models: ReachlineModels,
  id: Types.ObjectId,
  actor: ReportActor,
  now: Date,
): Promise<void> {
  const report = await loadDraft(models, id);
  const built = await buildMonthEntry(models, report.projectId, report.monthKey);
  const progress = report.progressOverride ?? built.progress.percent;
  const text = built.text(progress, report.problems, report.obstacles);
  await applyIfDraft(models, id, {
    $set: {
      generatedText: text,
      editedText: null,
      items: built.items,
      progressPercent: built.progress.percent,
      progressSteps: built.progress.steps,
      generatedAt: now,
    },
    $push: { history: historyEntry(actor, 'regenerated', text, progress, now) },
  });
}

export interface ReportEdit {
  /** The whole entry text as the editor wants it filed; null = back to the generated text. */
  text?: string | null;
  problems?: string;
  obstacles?: string;
  /** The editor's progress %, 0..100 with at most two decimals; null = the computed one. */
  progressOverride?: number | null;
}

/** Checks an edit; the problem as one sentence, or null. */
export function reportEditProblem(edit: ReportEdit): string | null {
  if (edit.text !== undefined && edit.text !== null) {
    if (edit.text.trim() === '') return 'The entry text cannot be empty.';
    if (edit.text.length > 50_000) return 'The entry text is longer than 50,000 characters.';
  }
  for (const key of ['problems', 'obstacles'] as const) {
    const v = edit[key];
    if (v !== undefined && (v.trim() === '' || v.length > 5000))
      return `The ${key} text must be 1 to 5,000 characters (write ไม่มี for none).`;
  }
  const p = edit.progressOverride;
  if (p !== undefined && p !== null) {
    if (!Number.isFinite(p) || p < 0 || p > 100 || Math.round(p * 100) / 100 !== p)
      return 'Progress must be a number from 0 to 100 with at most two decimals.';
  }
  return null;
}

/**
 * An editor's change of a draft. Problems, obstacles or a progress override rewrite the
 * generated text with them (unless the editor has written the text by hand); every change is
 * kept in the history.
 */
export async function editReport(
  models: ReachlineModels,
  id: Types.ObjectId,
  actor: ReportActor,
  edit: ReportEdit,
  now: Date,
): Promise<void> {
  const problem = reportEditProblem(edit);
  if (problem) throw new ReportError(problem);
  const report = await loadDraft(models, id);
  const problems = edit.problems ?? report.problems;
  const obstacles = edit.obstacles ?? report.obstacles;
  const override =
    edit.progressOverride === undefined ? report.progressOverride : edit.progressOverride;
  const set: Record<string, unknown> = { problems, obstacles, progressOverride: override };
  let generated = report.generatedText;
  const textChanged =
    problems !== report.problems ||
    obstacles !== report.obstacles ||
    override !== report.progressOverride;
  if (textChanged) {
    const built = await buildMonthEntry(models, report.projectId, report.monthKey);
    generated = built.text(override ?? report.progressPercent, problems, obstacles);
    set.generatedText = generated;
  }
  const editedText = edit.text === undefined ? report.editedText : edit.text;
  set.editedText = editedText;
  const action: ReportAction =
    edit.progressOverride !== undefined && override !== report.progressOverride
      ? 'progress-overridden'
      : 'edited';
  await applyIfDraft(models, id, {
    $set: set,
    $push: {
      history: historyEntry(
        actor,
        action,
        editedText ?? generated,
        override ?? report.progressPercent,
        now,
      ),
    },
  });
}

/** Approves a draft: its text and numbers are frozen from now on. */
export async function approveReport(
  models: ReachlineModels,
  id: Types.ObjectId,
  actor: ReportActor,
  now: Date,
): Promise<void> {
  const report = await loadDraft(models, id);
  await applyIfDraft(models, id, {
    $set: { status: 'approved', approvedBy: actor.id, approvedAt: now },
    $push: {
      history: historyEntry(actor, 'approved', reportText(report), reportProgress(report), now),
    },
  });
}

/** Makes an approved report editable again (an explicit editor action, recorded). */
export async function reopenReport(
  models: ReachlineModels,
  id: Types.ObjectId,
  actor: ReportActor,
  now: Date,
): Promise<void> {
  const report = await models.Report.findById(id).lean();
  if (!report) throw new ReportError('There is no such report.');
  if (report.status !== 'approved')
    throw new ReportError('Only an approved report can be reopened.');
  const res = await models.Report.updateOne(
    { _id: id, status: 'approved' },
    {
      $set: { status: 'draft', approvedBy: null, approvedAt: null },
      $push: {
        history: historyEntry(actor, 'reopened', reportText(report), reportProgress(report), now),
      },
    },
  );
  if (res.matchedCount === 0) throw new ReportError('The report changed meanwhile: reload it.');
}
