/**
 * The monthly progress entry a Bangkok PR office files, laid out exactly as the FY2564 seed page
 * writes it (lines separated by one blank line, single LF newlines, no trailing newline):
 *
 *   ({n}) ความคืบหน้าโครงการฯ ร้อยละ {pct, two decimals} ({YYYY-MM-DD})
 *
 *   {pct, two decimals}
 *
 *   {DD/MM/BBBB} : {status}
 *
 *   ** ปัญหาของโครงการ :{problems}
 *
 *   ** อุปสรรคของโครงการ :{obstacles}
 *
 *   ------------------&&&--------------------
 *
 * On the page consecutive entries are joined by one blank line ("\n\n"). The status text comes
 * from the settings' template (see template.ts). Pure (no node: imports): safe in the browser.
 */
import { monthKeyOf, parseMonthKey, thaiMonthName, toBuddhistYear } from '../thaiCalendar';
import {
  DEFAULT_ENTRY_TEMPLATE,
  assertValidTemplate,
  fillTemplate,
  type EntryTemplate,
} from './template';

export const ENTRY_SEPARATOR_LINE = '------------------&&&--------------------';
export const DEFAULT_REACH_LABEL = 'ยอดการเข้าถึง';
export const DEFAULT_REACH_UNIT = 'คน';

/** A story published in the month, with its reach on the report date. */
export interface MonthlyEntryStory {
  title: string;
  publishedAt: Date;
  reach: number;
}

/** Settings of the fiscal year: the template, the reach unit (คน / ราย) and the reach label. */
export interface MonthlyEntrySettings {
  template: EntryTemplate;
  unit: string;
  reachLabel: string;
}

export const DEFAULT_MONTHLY_ENTRY_SETTINGS: Readonly<MonthlyEntrySettings> = Object.freeze({
  template: DEFAULT_ENTRY_TEMPLATE,
  unit: DEFAULT_REACH_UNIT,
  reachLabel: DEFAULT_REACH_LABEL,
});

export interface MonthlyEntryInput {
  /** The entry's number on the page, `(n)`. */
  entryNumber: number;
  /** The report date, a Bangkok calendar date written `YYYY-MM-DD`. */
  reportDate: string;
  /** The month reported, `YYYY-MM`; defaults to the report date's month. */
  month?: string;
  /** Project progress, 0..100; written with two decimals. */
  progressPercent: number;
  /** Stories; those not published in `month` (Asia/Bangkok) are left out. */
  stories: readonly MonthlyEntryStory[];
  problems: string;
  obstacles: string;
  settings?: Partial<MonthlyEntrySettings>;
}

/** `6712` -> `6,712`: an integer with `,` every three digits. */
export function formatReach(reach: number): string {
  if (!Number.isInteger(reach) || reach < 0) {
    throw new RangeError(`Reach must be a whole number of people, 0 or more; got ${reach}`);
  }
  return String(reach).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function parseReportDate(reportDate: string): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(reportDate);
  const year = Number(m?.[1]);
  const month = Number(m?.[2]);
  const day = Number(m?.[3]);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (!m || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new RangeError(`Expected a report date written YYYY-MM-DD, got "${reportDate}"`);
  }
  return { year, month, day };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

function resolveSettings(settings?: Partial<MonthlyEntrySettings>): MonthlyEntrySettings {
  const resolved = { ...DEFAULT_MONTHLY_ENTRY_SETTINGS, ...settings };
  assertValidTemplate(resolved.template);
  return resolved;
}

/** The month's stories in publish order (ties keep their input order). */
export function storiesOfMonth(
  stories: readonly MonthlyEntryStory[],
  month: string,
): MonthlyEntryStory[] {
  parseMonthKey(month);
  return stories
    .map((story, at) => ({ story, at }))
    .filter(({ story }) => monthKeyOf(story.publishedAt) === month)
    .sort((a, b) => a.story.publishedAt.getTime() - b.story.publishedAt.getTime() || a.at - b.at)
    .map(({ story }) => story);
}

/** The item list (`1. … ยอดการเข้าถึง 6,712 คน 2. …`) of stories already in order. */
export function formatItems(
  stories: readonly MonthlyEntryStory[],
  settings?: Partial<MonthlyEntrySettings>,
): string {
  const { template, unit, reachLabel } = resolveSettings(settings);
  return stories
    .map((story, k) =>
      fillTemplate(template.item, 'item', {
        index: String(k + 1),
        title: story.title,
        reachLabel,
        reach: formatReach(story.reach),
        unit,
      }),
    )
    .join(template.itemSeparator);
}

/** The status text of a month: `status` with the month's stories, `noPosts` without. */
export function formatStatusText(
  month: string,
  stories: readonly MonthlyEntryStory[],
  settings?: Partial<MonthlyEntrySettings>,
): string {
  const resolved = resolveSettings(settings);
  const { year, month: m } = parseMonthKey(month);
  const inMonth = storiesOfMonth(stories, month);
  const common = { month: thaiMonthName(m), year: String(toBuddhistYear(year)) };
  if (inMonth.length === 0) return fillTemplate(resolved.template.noPosts, 'noPosts', common);
  return fillTemplate(resolved.template.status, 'status', {
    ...common,
    count: String(inMonth.length),
    items: formatItems(inMonth, resolved),
  });
}

/** The whole entry block, from `({n})` through the separator line, without a trailing newline. */
export function formatMonthlyEntry(input: MonthlyEntryInput): string {
  if (!Number.isInteger(input.entryNumber) || input.entryNumber < 1) {
    throw new RangeError(`Entry number must be 1 or more, got ${input.entryNumber}`);
  }
  if (
    !Number.isFinite(input.progressPercent) ||
    input.progressPercent < 0 ||
    input.progressPercent > 100
  ) {
    throw new RangeError(`Progress must be a percentage 0..100, got ${input.progressPercent}`);
  }
  const date = parseReportDate(input.reportDate);
  const month = input.month ?? `${date.year}-${pad2(date.month)}`;
  const pct = input.progressPercent.toFixed(2);
  const status = formatStatusText(month, input.stories, input.settings);
  const written = `${pad2(date.day)}/${pad2(date.month)}/${toBuddhistYear(date.year)}`;
  return [
    `(${input.entryNumber}) ความคืบหน้าโครงการฯ ร้อยละ ${pct} (${input.reportDate})`,
    pct,
    `${written} : ${status}`,
    `** ปัญหาของโครงการ :${input.problems}`,
    `** อุปสรรคของโครงการ :${input.obstacles}`,
    ENTRY_SEPARATOR_LINE,
  ].join('\n\n');
}
