/**
 * Project progress % (the figure of each monthly entry) from the plan's weighted steps, with its
 * working, and an editor's override of it. Pure (no node: imports): safe in the browser.
 *
 * The rule
 * --------
 * progress = Σ weight × done, where each step's `done` (0..100 %) is measured one of two ways:
 *
 * - **The publishing step** (`storyStep`; by default the first step whose name starts with
 *   `เผยแพร่` or says "publish"): stories published so far in the fiscal year ÷ the target number
 *   of stories, capped at 100 %. Publishing more than planned does not raise progress further.
 * - **Every other step** is measured by its dates (inclusive Bangkok calendar days): 0 before the
 *   start day, days elapsed ÷ days in the range while it runs (the report date counts as elapsed),
 *   100 % from the end day on. A step whose start and end are the same day is done from that day.
 *   A step given no dates is assumed to be preparation when it comes before the publishing step
 *   (done from the first day of the fiscal year) and evaluation/reporting when it comes after
 *   (done on the last day, 30 September); with no publishing step, it runs over the whole year.
 *
 * Rounding: each contribution is rounded to hundredths once; the percentage is the sum of the
 * rounded contributions, so the working always adds up to the figure shown.
 *
 * Measured against the FY2564 page (progress.test.ts): the office's numbers follow the calendar
 * (about 5 points a month, then 10), not the stories published (49 of 50 were out by February),
 * so this rule agrees with the page in August only (90.00: steps 1–3 done, evaluation pending).
 * An editor's override (`effectiveProgress`) is how a report carries the office's own figure.
 */
import type { PlanStep } from '../kpi';
import { bangkokMidnight } from '../thaiCalendar';
import {
  type CalendarDay,
  fiscalPeriodOfDay,
  fiscalYearDays,
  formatIsoDay,
  formatThaiDay,
  parseCalendarDay,
} from './calendarDay';

export class ProgressError extends RangeError {
  override name = 'ProgressError';
}

/** A step's planned dates, Bangkok calendar days `YYYY-MM-DD`, both inclusive. */
export interface StepDates {
  start: string;
  end: string;
}

/** Why a step's `done` is what it is: the numbers the working line is written from. */
export type ProgressBasis =
  | { kind: 'stories'; published: number; target: number }
  | {
      kind: 'dates';
      start: string;
      end: string;
      /** Days of the range elapsed on the report date (0..daysTotal). */
      daysElapsed: number;
      daysTotal: number;
      /** `plan`: the dates given; otherwise the assumption used for a step without dates. */
      datesFrom: 'plan' | 'yearStart' | 'yearEnd' | 'wholeYear';
    };

export interface ProgressStep {
  /** 1-based, as the page numbers its steps (ขั้นตอน 1). */
  step: number;
  name: string;
  weight: number;
  /** How much of the step is done, percent 0..100, two decimals. */
  donePercent: number;
  /** weight × done, percentage points, two decimals. */
  contribution: number;
  basis: ProgressBasis;
}

export interface ProgressResult {
  /** Σ contributions, percent 0..100, two decimals. */
  percent: number;
  reportDate: string;
  steps: ProgressStep[];
  /** One Thai line per step and a total line; `formatProgressWorking(result, 'en')` for English. */
  working: string[];
}

export interface ComputeProgressInput {
  planSteps: readonly PlanStep[];
  /** The report date, Bangkok calendar day `YYYY-MM-DD`. */
  reportDate: string;
  targetStories: number;
  /** Stories published in the fiscal year up to and including the report date. */
  publishedSoFar: number;
  /** One entry per plan step (null/undefined: no dates for that step). */
  stepDates?: readonly (StepDates | null | undefined)[];
  /** 0-based index of the step measured by stories; null: none; default: found by its name. */
  storyStep?: number | null;
  /** Fiscal year (BE); defaults to the report date's. */
  fiscalYear?: number;
}

/**
 * Stories published in the report date's fiscal year from its first day up to the end of the
 * report date (Asia/Bangkok): the `publishedSoFar` of `computeProgress`.
 */
export function publishedUpTo(
  stories: readonly { publishedAt: Date }[],
  reportDate: string,
  fiscalYear?: number,
): number {
  const report = parseCalendarDay(reportDate, 'report date');
  const fy = fiscalYear ?? fiscalPeriodOfDay(report).fiscalYear;
  const { first } = fiscalYearDays(fy);
  const from = bangkokMidnight(first.year, first.month, first.day).getTime();
  const until = bangkokMidnight(report.year, report.month, report.day + 1).getTime();
  let count = 0;
  for (const { publishedAt } of stories) {
    const t = publishedAt.getTime();
    if (t >= from && t < until) count++;
  }
  return count;
}

/** The first step whose name says it publishes (`เผยแพร่…`, "publish…"), or null. */
export function findStoryStep(planSteps: readonly PlanStep[]): number | null {
  const at = planSteps.findIndex((s) => /^\s*เผยแพร่/.test(s.name) || /publish/i.test(s.name));
  return at < 0 ? null : at;
}

const hundredths = (n: number): number => Math.round(n * 100) / 100;

function assertCount(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new ProgressError(`The ${what} must be a whole number, 0 or more; got ${value}.`);
  }
}

function checkPlan(planSteps: readonly PlanStep[]): void {
  if (planSteps.length === 0) throw new ProgressError('The plan has no steps.');
  for (const [i, s] of planSteps.entries()) {
    if (!Number.isFinite(s.weight) || s.weight < 0 || s.weight > 100) {
      throw new ProgressError(`Step ${i + 1}'s weight must be 0..100 percent, got ${s.weight}.`);
    }
  }
  const total = planSteps.reduce((sum, s) => sum + s.weight, 0);
  if (Math.abs(total - 100) > 1e-9) {
    throw new ProgressError(`The plan's step weights must add up to 100, not ${total}.`);
  }
}

/** Computes progress % from the plan's weighted steps; see the rule at the top of this file. */
export function computeProgress(input: ComputeProgressInput): ProgressResult {
  const { planSteps, targetStories, publishedSoFar } = input;
  checkPlan(planSteps);
  assertCount(targetStories, 'target number of stories');
  assertCount(publishedSoFar, 'number of stories published so far');
  const report = parseCalendarDay(input.reportDate, 'report date');
  const fiscalYear = input.fiscalYear ?? fiscalPeriodOfDay(report).fiscalYear;
  const year = fiscalYearDays(fiscalYear);
  if (input.stepDates && input.stepDates.length !== planSteps.length) {
    throw new ProgressError(
      `Give one date range per plan step (null for none): ${planSteps.length} steps, ${input.stepDates.length} ranges.`,
    );
  }
  const storyStep = input.storyStep === undefined ? findStoryStep(planSteps) : input.storyStep;
  if (
    storyStep !== null &&
    (!Number.isInteger(storyStep) || storyStep < 0 || storyStep >= planSteps.length)
  ) {
    throw new ProgressError(
      `The publishing step must be one of steps 1..${planSteps.length}, got index ${storyStep}.`,
    );
  }

  const steps = planSteps.map((planStep, i): ProgressStep => {
    let basis: ProgressBasis;
    // done = num / den, kept as a fraction so rounding happens once, on exact-ish numbers.
    let num: number;
    let den: number;
    if (i === storyStep) {
      const counted = Math.min(publishedSoFar, targetStories);
      basis = { kind: 'stories', published: publishedSoFar, target: targetStories };
      [num, den] = targetStories === 0 ? [1, 1] : [counted, targetStories];
    } else {
      const given = input.stepDates?.[i];
      let start: CalendarDay;
      let end: CalendarDay;
      let datesFrom: 'plan' | 'yearStart' | 'yearEnd' | 'wholeYear';
      if (given) {
        start = parseCalendarDay(given.start, `start date of step ${i + 1}`);
        end = parseCalendarDay(given.end, `end date of step ${i + 1}`);
        if (end.dayNumber < start.dayNumber) {
          throw new ProgressError(
            `Step ${i + 1} ends (${given.end}) before it starts (${given.start}).`,
          );
        }
        datesFrom = 'plan';
      } else if (storyStep === null) {
        [start, end, datesFrom] = [year.first, year.last, 'wholeYear'];
      } else if (i < storyStep) {
        [start, end, datesFrom] = [year.first, year.first, 'yearStart'];
      } else {
        [start, end, datesFrom] = [year.last, year.last, 'yearEnd'];
      }
      const daysTotal = end.dayNumber - start.dayNumber + 1;
      const daysElapsed = Math.min(daysTotal, Math.max(0, report.dayNumber - start.dayNumber + 1));
      basis = {
        kind: 'dates',
        start: formatIsoDay(start),
        end: formatIsoDay(end),
        daysElapsed,
        daysTotal,
        datesFrom,
      };
      [num, den] = [daysElapsed, daysTotal];
    }
    return {
      step: i + 1,
      name: planStep.name,
      weight: planStep.weight,
      donePercent: Math.round((num * 10_000) / den) / 100,
      contribution: Math.round((planStep.weight * num * 100) / den) / 100,
      basis,
    };
  });
  // Sum in integer hundredths so 10.00 + 35.00 + 7.20 is exactly 52.20.
  const percent = steps.reduce((sum, s) => sum + Math.round(s.contribution * 100), 0) / 100;
  const result: ProgressResult = { percent, reportDate: input.reportDate, steps, working: [] };
  result.working = formatProgressWorking(result, 'th');
  return result;
}

export type WorkingLanguage = 'th' | 'en';

const two = (n: number): string => n.toFixed(2);

function basisText(basis: ProgressBasis, reportDate: CalendarDay, lang: WorkingLanguage): string {
  if (basis.kind === 'stories') {
    const capped = basis.published > basis.target;
    if (lang === 'th') {
      return `เผยแพร่แล้ว ${basis.published} จากเป้าหมาย ${basis.target} เรื่อง${capped ? ' (เกินเป้าหมาย นับไม่เกินร้อยละ 100)' : ''}`;
    }
    return `${basis.published} of ${basis.target} stories published${capped ? ' (more than the target; counted as 100 %)' : ''}`;
  }
  const start = parseCalendarDay(basis.start);
  const end = parseCalendarDay(basis.end);
  const day = (d: CalendarDay): string => (lang === 'th' ? formatThaiDay(d) : formatIsoDay(d));
  const range = basis.start === basis.end ? day(start) : `${day(start)}–${day(end)}`;
  const assumed: Record<typeof basis.datesFrom, Record<WorkingLanguage, string>> = {
    plan: { th: '', en: '' },
    yearStart: {
      th: ' (ไม่ได้กำหนดวันที่ ถือเป็นงานเตรียมการ เสร็จตั้งแต่วันแรกของปีงบประมาณ)',
      en: ' (no dates given: a preparation step, done from the first day of the fiscal year)',
    },
    yearEnd: {
      th: ' (ไม่ได้กำหนดวันที่ ถือเป็นงานติดตามประเมินผล เสร็จในวันสุดท้ายของปีงบประมาณ)',
      en: ' (no dates given: an evaluation step, done on the last day of the fiscal year)',
    },
    wholeYear: {
      th: ' (ไม่ได้กำหนดวันที่ ถือว่าดำเนินการตลอดปีงบประมาณ)',
      en: ' (no dates given: assumed to run the whole fiscal year)',
    },
  };
  if (lang === 'th') {
    return `กำหนด ${range}${assumed[basis.datesFrom].th} ณ ${day(reportDate)} ผ่านไป ${basis.daysElapsed} จาก ${basis.daysTotal} วัน`;
  }
  return `planned ${range}${assumed[basis.datesFrom].en}; on ${day(reportDate)} ${basis.daysElapsed} of ${basis.daysTotal} days elapsed`;
}

/** The working of a result as lines: one per step, then the total. */
export function formatProgressWorking(result: ProgressResult, lang: WorkingLanguage): string[] {
  const reportDate = parseCalendarDay(result.reportDate, 'report date');
  const lines = result.steps.map((s) => {
    const why = basisText(s.basis, reportDate, lang);
    return lang === 'th'
      ? `ขั้นตอน ${s.step} ${s.name} (น้ำหนักร้อยละ ${s.weight}): ${why} = ดำเนินการแล้วร้อยละ ${two(s.donePercent)} → ${s.weight} × ${two(s.donePercent)}% = ${two(s.contribution)}`
      : `Step ${s.step} ${s.name} (weight ${s.weight} %): ${why} = ${two(s.donePercent)} % done → ${s.weight} × ${two(s.donePercent)} % = ${two(s.contribution)}`;
  });
  const sum = result.steps.map((s) => two(s.contribution)).join(' + ');
  lines.push(
    lang === 'th'
      ? `รวม ${sum} = ร้อยละ ${two(result.percent)}`
      : `Total ${sum} = ${two(result.percent)} %`,
  );
  return lines;
}

/**
 * The first problem of an editor's progress override as one sentence, or null when it is
 * acceptable: a number 0..100 with at most two decimals.
 */
export function progressOverrideProblem(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return 'The progress override must be a number from 0 to 100.';
  }
  if (value < 0 || value > 100) {
    return `The progress override must be from 0 to 100, not ${value}.`;
  }
  if (Math.abs(value * 100 - Math.round(value * 100)) > 1e-6) {
    return `The progress override may have at most two decimals, not ${value}.`;
  }
  return null;
}

/**
 * The progress a report shows: the editor's override when there is one (null/undefined: none),
 * else the computed figure. Throws a ProgressError for an override or computed figure outside
 * 0..100 or with more than two decimals. The result is rounded to hundredths.
 */
export function effectiveProgress(computed: number, override?: number | null): number {
  const computedProblem = progressOverrideProblem(computed);
  if (computedProblem) {
    throw new ProgressError(computedProblem.replace('progress override', 'computed progress'));
  }
  if (override === null || override === undefined) return hundredths(computed);
  const problem = progressOverrideProblem(override);
  if (problem) throw new ProgressError(problem);
  return hundredths(override);
}
