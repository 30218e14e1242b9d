/**
 * The whole project page as one text, in the layout of the FY2564 page (sections joined by one
 * blank line, single LF newlines, no trailing newline):
 *
 *   header        ความคืบหน้าโครงการ/กิจกรรม, activity : code, ** owner : (year), progress,
 *                 ความคืบหน้าโครงการ ร้อยละ {progress}, contact, *** สยป. ประเมินโครงการ : …
 *   rationale     หลักการและเหตุผล, its text, the unit code line
 *   objective     วัตถุประสงค์ของโครงการ
 *   goal          เป้าหมายของโครงการ
 *   strategies    สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ, one line each
 *   results       ผลการดำเนินงาน, the monthly entries newest first, numbered (1), (2), …
 *   planSteps     แผนการดำเนินงานฯ, ขั้นตอน n / :name / :weight% / เริ่มต้น : / สิ้นสุด :
 *   kpi           สนับสนุนตัวชี้วัดตามแผนฯ, code, indicator, target, achieved, types
 *   quarterTable  see quarterTable.ts
 *   closing       ** ผลการประเมินโครงการ (รายไตรมาส) **
 *
 * The page's navigation (Back Home, FusionCharts will render here, ดูโครงการแผนปีฯ : พิมพ์ข้อมูล,
 * the (ทดสอบ)/(คลิก) links under the plan) is the web page's chrome and is not written.
 *
 * Derived, not given: the header's progress (the newest entry's), the entry numbers (newest is
 * (1)), the KPI's achieved figure (the progress of the last assessed quarter). Pure, browser-safe.
 */
import { formatReach, formatMonthlyEntry, type MonthlyEntryInput } from './monthlyEntry';
import type { PlanStep } from '../kpi';
import type { FiscalQuarter } from '../thaiCalendar';
import { parseCalendarDay } from './calendarDay';
import { formatQuarterTable, type QuarterRow } from './quarterTable';

export const PROJECT_PAGE_TITLE = 'ความคืบหน้าโครงการ/กิจกรรม';
export const PROJECT_PAGE_CLOSING = '** ผลการประเมินโครงการ (รายไตรมาส) **';

/** The page's own texts about the project (settings of the project and year). */
export interface ProjectPageHeader {
  /** `กิจกรรมการเผยแพร่อินโฟกราฟิก…`: the activity's name as the city's system has it. */
  activity: string;
  /** `04110000-3768`. */
  projectCode: string;
  /** `สำนักงานประชาสัมพันธ์ สํานักปลัดกรุงเทพมหานคร`. */
  owner: string;
  /** Buddhist-Era fiscal year, written `(2564)`. */
  fiscalYear: number;
  /** `นางสาวดุษฎี อุยะเจริญ โทร. 1379`. */
  contact: string;
  /** The evaluation office's (สยป.) latest assessment of the project; null: none yet. */
  assessment: { quarter: FiscalQuarter; score: number } | null;
}

export interface ProjectPageTexts {
  rationale: string;
  /** The line under the rationale, e.g. `04110000/04110000`; empty: not written. */
  unitCode: string;
  objective: string;
  goal: string;
  strategies: readonly string[];
}

export interface ProjectPagePlanStep extends PlanStep {
  /** `YYYY-MM-DD`, written `YYYY-MM-DD 00:00:00`. */
  start: string;
  end: string;
}

export interface ProjectPageKpi {
  /** `0411-2004`. */
  code: string;
  indicator: string;
  targetPercent: number;
  /** One line each: `ตัวชี้วัดเชิงยุทธศาสตร์`, `ตัวชี้วัดระดับผลลัพธ์ (outcome)`. */
  types: readonly string[];
}

/** A monthly entry: generated from its inputs, or a stored text (an approved or edited one). */
export type ProjectPageEntry =
  | { kind: 'generated'; entry: Omit<MonthlyEntryInput, 'entryNumber'> }
  | { kind: 'text'; reportDate: string; progressPercent: number; text: string };

export interface ProjectPageInput {
  header: ProjectPageHeader;
  texts: ProjectPageTexts;
  entries: readonly ProjectPageEntry[];
  planSteps: readonly ProjectPagePlanStep[];
  kpi: ProjectPageKpi;
  quarters: readonly QuarterRow[];
}

export type ProjectPageSectionId =
  | 'header'
  | 'rationale'
  | 'objective'
  | 'goal'
  | 'strategies'
  | 'results'
  | 'planSteps'
  | 'kpi'
  | 'quarterTable'
  | 'closing';

export interface ProjectPageSection {
  id: ProjectPageSectionId;
  text: string;
}

/**
 * A percentage as the page writes it outside the entries: no trailing zeros (`90`, `92.5`).
 * Rounded to two decimals first.
 */
export function formatPagePercent(percent: number): string {
  if (!Number.isFinite(percent)) throw new RangeError(`Expected a percentage, got ${percent}`);
  return String(Math.round(percent * 100) / 100);
}

/**
 * The goal sentence of an infographic project from its KPI settings:
 * `ร้อยละ 90 ของจำนวนอินโฟกราฟิกที่นำเสนอ (50 เรื่อง) ต้องมีผู้เข้าชมไม่น้อยกว่า 3,000 ราย`.
 */
export function formatGoalText(targets: {
  targetPercent: number;
  targetStories: number;
  threshold: number;
}): string {
  return `ร้อยละ ${formatPagePercent(targets.targetPercent)} ของจำนวนอินโฟกราฟิกที่นำเสนอ (${targets.targetStories} เรื่อง) ต้องมีผู้เข้าชมไม่น้อยกว่า ${formatReach(targets.threshold)} ราย`;
}

interface DatedEntry {
  reportDate: string;
  progressPercent: number;
  write: (entryNumber: number) => string;
}

function datedEntry(entry: ProjectPageEntry): DatedEntry {
  if (entry.kind === 'generated') {
    return {
      reportDate: entry.entry.reportDate,
      progressPercent: entry.entry.progressPercent,
      write: (entryNumber) => formatMonthlyEntry({ ...entry.entry, entryNumber }),
    };
  }
  // A stored text keeps its words; only its leading "(n)" follows the entry's place on the page.
  return {
    reportDate: entry.reportDate,
    progressPercent: entry.progressPercent,
    write: (entryNumber) => entry.text.replace(/^\(\d+\)/, `(${entryNumber})`),
  };
}

/** The entries newest first (by report date; ties keep their input order), numbered from (1). */
function orderedEntries(entries: readonly ProjectPageEntry[]): DatedEntry[] {
  return entries
    .map((entry, at) => {
      const dated = datedEntry(entry);
      return { dated, at, day: parseCalendarDay(dated.reportDate, 'report date').dayNumber };
    })
    .sort((a, b) => b.day - a.day || a.at - b.at)
    .map(({ dated }) => dated);
}

function planStepsSection(steps: readonly ProjectPagePlanStep[]): string {
  const lines = ['แผนการดำเนินงานฯ', ''];
  steps.forEach((step, i) => {
    parseCalendarDay(step.start, `start date of step ${i + 1}`);
    parseCalendarDay(step.end, `end date of step ${i + 1}`);
    lines.push(
      `ขั้นตอน ${i + 1}`,
      `:${step.name}`,
      `:${formatPagePercent(step.weight)}%`,
      `เริ่มต้น :${step.start} 00:00:00`,
      `สิ้นสุด :${step.end} 00:00:00`,
    );
  });
  return lines.join('\n');
}

/** The page, section by section (the UI can show or compare them one at a time). */
export function projectPageSections(input: ProjectPageInput): ProjectPageSection[] {
  const { header, texts, kpi } = input;
  const entries = orderedEntries(input.entries);
  const newest = entries[0];
  const progress = formatPagePercent(newest ? newest.progressPercent : 0);
  const lastAssessed = [...input.quarters].reverse().find((q) => q.assessed);
  const achieved = formatPagePercent(lastAssessed?.progressPercent ?? 0);

  const headerLines = [
    PROJECT_PAGE_TITLE,
    `${header.activity} : ${header.projectCode}`,
    `** ${header.owner} : (${header.fiscalYear})`,
    progress,
    `ความคืบหน้าโครงการ ร้อยละ ${progress}`,
    header.contact,
  ];
  if (header.assessment) {
    headerLines.push(
      `*** สยป. ประเมินโครงการ : ไตรมาสที่ ${header.assessment.quarter} ${formatPagePercent(header.assessment.score)}`,
    );
  }
  const rationale = ['หลักการและเหตุผล', texts.rationale];
  if (texts.unitCode) rationale.push(texts.unitCode);

  return [
    { id: 'header', text: headerLines.join('\n\n') },
    { id: 'rationale', text: rationale.join('\n\n') },
    { id: 'objective', text: `วัตถุประสงค์ของโครงการ\n\n${texts.objective}` },
    { id: 'goal', text: `เป้าหมายของโครงการ\n\n${texts.goal}` },
    {
      id: 'strategies',
      text: `สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ\n\n${texts.strategies.join('\n')}`,
    },
    {
      id: 'results',
      text: ['ผลการดำเนินงาน', ...entries.map((e, i) => e.write(i + 1))].join('\n\n'),
    },
    { id: 'planSteps', text: planStepsSection(input.planSteps) },
    {
      id: 'kpi',
      text: [
        'สนับสนุนตัวชี้วัดตามแผนฯ',
        `รายละเอียดเกี่ยวกับตัวชี้วัด : ${kpi.code}`,
        `ตัวชี้วัด : ${kpi.indicator}`,
        `ค่าเป้าหมาย ร้อยละ : ${formatPagePercent(kpi.targetPercent)}`,
        `ผลงานที่ทำได้ ร้อยละ : ${achieved}`,
        `ประเภทตัวชี้วัด : ${kpi.types.join('\n')}`,
      ].join('\n\n'),
    },
    { id: 'quarterTable', text: formatQuarterTable(input.quarters) },
    { id: 'closing', text: PROJECT_PAGE_CLOSING },
  ];
}

/** The whole page as one text. */
export function formatProjectPage(input: ProjectPageInput): string {
  return projectPageSections(input)
    .map((s) => s.text)
    .join('\n\n');
}
