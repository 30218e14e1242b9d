/**
 * Golden test of the whole project page against the FY2564 page, section by section. The expected
 * text is the page's own bytes (data/fy2564/project-page.txt, a verbatim copy of the seed page);
 * the inputs are the seed's data (data/fy2564), the default settings (plan steps, KPI targets) and
 * the page's own texts that no setting holds yet (data/fy2564/project-page.json).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FY2564_DIR, loadFy2564 } from '../data/fy2564';
import { DEFAULT_KPI_TARGETS, DEFAULT_PLAN_STEPS } from '../kpi';
import type { FiscalQuarter } from '../thaiCalendar';
import type { MonthlyEntryStory } from './monthlyEntry';
import {
  formatGoalText,
  formatPagePercent,
  formatProjectPage,
  projectPageSections,
  type ProjectPageEntry,
  type ProjectPageInput,
  type ProjectPageSectionId,
} from './projectPage';
import { computeQuarterTable, progressAtQuarterEnds } from './quarterTable';
import { DEFAULT_ENTRY_TEMPLATE, type EntryTemplate } from './template';

const pageBytes = readFileSync(resolve(FY2564_DIR, 'project-page.txt'));
const page = pageBytes.toString('utf8');
const fixture = JSON.parse(readFileSync(resolve(FY2564_DIR, 'project-page.json'), 'utf8')) as {
  sourceSha256: string;
  header: {
    activity: string;
    projectCode: string;
    owner: string;
    fiscalYear: number;
    contact: string;
    assessment: { quarter: FiscalQuarter; score: number };
  };
  texts: {
    rationale: string;
    unitCode: string;
    objective: string;
    goal: string;
    strategies: string[];
  };
  planStepDates: { start: string; end: string }[];
  kpi: { code: string; indicator: string; types: string[] };
};
const entryTexts = JSON.parse(readFileSync(resolve(FY2564_DIR, 'entry-texts.json'), 'utf8')) as {
  entries: Record<string, string>;
};

const { posts, entries } = loadFy2564();
const stories: MonthlyEntryStory[] = posts.map((p) => ({
  title: p.title,
  publishedAt: p.publishedAt,
  reach: p.reach,
}));

// The seed's phrasings for entries (3) and (9), as monthlyEntry.test.ts uses them.
const templates: Record<number, EntryTemplate> = {
  3: {
    ...DEFAULT_ENTRY_TEMPLATE,
    status:
      'อยู่ระหว่างขั้นตอน...มีการเผยแพร่อินโฟกราฟฟิกเพื่อสร้างภาพลักษณ์ของกรุงเทพมหานครผ่านสื่อสังคมออนไลน์ไปในเดือน{month} {year} ไปแล้ว จำนวน {count} ครั้ง ดังนี้ {items}',
  },
  9: {
    ...DEFAULT_ENTRY_TEMPLATE,
    status:
      'ดำเนินการเผยแพร่อินโฟกราฟิกเพื่อสร้างภาพลักษณ์ของกรุงเทพมหานครผ่านสื่อสังคมออนไลน์ ในเดือน{month} {year} ไปแล้ว ดังนี้ {items}',
  },
};
/** Entries the generator writes byte for byte; the others (4, 6, 7, 8, 10, 11) are stored texts. */
const GENERATED = new Set([1, 2, 3, 5, 9]);

function pageEntries(): ProjectPageEntry[] {
  // Oldest first and mixed, so the page's own ordering and numbering are what is tested.
  return [...entries]
    .sort((a, b) => (a.entry % 2) - (b.entry % 2) || a.reportDate.localeCompare(b.reportDate))
    .map((e): ProjectPageEntry => {
      if (GENERATED.has(e.entry)) {
        const template = templates[e.entry];
        return {
          kind: 'generated',
          entry: {
            reportDate: e.reportDate,
            progressPercent: e.progressPercent,
            stories,
            problems: e.problems,
            obstacles: e.obstacles,
            settings: template ? { template } : {},
          },
        };
      }
      const text = entryTexts.entries[String(e.entry)];
      if (text === undefined) throw new Error(`entry-texts.json has no entry ${e.entry}`);
      return {
        kind: 'text',
        reportDate: e.reportDate,
        progressPercent: e.progressPercent,
        text,
      };
    });
}

const newestReportDate = [...entries].sort((a, b) => b.reportDate.localeCompare(a.reportDate))[0]!
  .reportDate;

function seedPageInput(): ProjectPageInput {
  return {
    header: fixture.header,
    texts: { ...fixture.texts, goal: formatGoalText(DEFAULT_KPI_TARGETS) },
    entries: pageEntries(),
    planSteps: DEFAULT_PLAN_STEPS.map((step, i) => ({ ...step, ...fixture.planStepDates[i]! })),
    kpi: { ...fixture.kpi, targetPercent: DEFAULT_KPI_TARGETS.targetPercent },
    quarters: computeQuarterTable({
      fiscalYear: fixture.header.fiscalYear,
      stories,
      threshold: DEFAULT_KPI_TARGETS.threshold,
      targetStories: DEFAULT_KPI_TARGETS.targetStories,
      targetPercent: DEFAULT_KPI_TARGETS.targetPercent,
      progressAtQuarterEnd: progressAtQuarterEnds(
        entries.map((e) => ({ reportDate: e.reportDate, percent: e.progressPercent })),
        fixture.header.fiscalYear,
      ),
      asOf: newestReportDate,
    }),
  };
}

/** The seed page cut at the headings that start each section. */
function seedSections(): Record<ProjectPageSectionId, string> {
  const starts: [ProjectPageSectionId, string][] = [
    ['rationale', 'หลักการและเหตุผล\n'],
    ['objective', 'วัตถุประสงค์ของโครงการ\n'],
    ['goal', 'เป้าหมายของโครงการ\n'],
    ['strategies', 'สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ\n'],
    ['results', 'ผลการดำเนินงาน\n'],
    ['planSteps', 'แผนการดำเนินงานฯ\n'],
    ['kpi', 'สนับสนุนตัวชี้วัดตามแผนฯ\n'],
    ['quarterTable', 'ไตรมาสที่\n'],
    ['closing', '** ผลการประเมินโครงการ (รายไตรมาส) **'],
  ];
  const out: Partial<Record<ProjectPageSectionId, string>> = {};
  let id: ProjectPageSectionId = 'header';
  let from = 0;
  for (const [next, heading] of starts) {
    const at = page.indexOf(`\n\n${heading}`, from);
    expect(at, heading).toBeGreaterThan(from);
    out[id] = page.slice(from, at);
    id = next;
    from = at + 2;
  }
  out[id] = page.slice(from);
  return out as Record<ProjectPageSectionId, string>;
}

// The web page's navigation, which the generator does not write (see projectPage.ts).
const CHROME_IN_HEADER = [
  '\n\nBack Home\nFusionCharts will render here',
  '\n\nดูโครงการแผนปีฯ : พิมพ์ข้อมูล',
];
const CHROME_UNDER_PLAN = [
  '\n\n(ทดสอบ) แสดงขั้นตอนการดำเนินงานโครงการ : 04110000-3768',
  '\n\n(คลิก) ขั้นตอนการปฏิบัติงานของโครงการ : 04110000-3768',
];
function withoutChrome(text: string, chrome: readonly string[]): string {
  let out = text;
  for (const piece of chrome) {
    expect(out, piece).toContain(piece);
    out = out.replace(piece, '');
  }
  return out;
}

describe('the fixture', () => {
  it('project-page.txt is the seed page itself', () => {
    const sha = createHash('sha256').update(pageBytes).digest('hex');
    expect(sha).toBe(fixture.sourceSha256);
    expect(pageBytes.length).toBe(28_457);
  });
});

describe('the FY2564 project page, section by section', () => {
  const generated = Object.fromEntries(
    projectPageSections(seedPageInput()).map((s) => [s.id, s.text]),
  ) as Record<ProjectPageSectionId, string>;
  const seed = seedSections();

  it('has the sections in the page order', () => {
    expect(Object.keys(generated)).toEqual(Object.keys(seed));
  });

  const exact: ProjectPageSectionId[] = [
    'rationale',
    'objective',
    'goal',
    'strategies',
    'results',
    'kpi',
    'quarterTable',
    'closing',
  ];
  for (const id of exact) {
    it(`${id}: byte for byte`, () => {
      expect(generated[id]).toBe(seed[id]);
    });
  }

  it('header: byte for byte but for the navigation (Back Home, FusionCharts…, ดูโครงการแผนปีฯ)', () => {
    expect(generated.header).not.toBe(seed.header);
    expect(generated.header).toBe(withoutChrome(seed.header, CHROME_IN_HEADER));
  });

  it('planSteps: byte for byte but for the two links under the plan ((ทดสอบ)…, (คลิก)…)', () => {
    expect(generated.planSteps).not.toBe(seed.planSteps);
    expect(generated.planSteps).toBe(withoutChrome(seed.planSteps, CHROME_UNDER_PLAN));
  });

  it('the whole page: the seed minus exactly those four navigation lines', () => {
    const text = formatProjectPage(seedPageInput());
    expect(text).toBe(withoutChrome(withoutChrome(page, CHROME_IN_HEADER), CHROME_UNDER_PLAN));
  });
});

describe('what the page derives', () => {
  it('the goal sentence from the KPI targets', () => {
    expect(formatGoalText(DEFAULT_KPI_TARGETS)).toBe(fixture.texts.goal);
    expect(formatGoalText({ targetPercent: 92.5, targetStories: 60, threshold: 12500 })).toBe(
      'ร้อยละ 92.5 ของจำนวนอินโฟกราฟิกที่นำเสนอ (60 เรื่อง) ต้องมีผู้เข้าชมไม่น้อยกว่า 12,500 ราย',
    );
  });

  it("the header's progress is the newest entry's, the KPI's achieved the last assessed quarter's", () => {
    const input = seedPageInput();
    const sections = projectPageSections({
      ...input,
      entries: [
        ...input.entries,
        {
          kind: 'text',
          reportDate: '2021-09-30',
          progressPercent: 97.5,
          text: '(7) a stored text',
        },
      ],
      quarters: input.quarters.map((q) =>
        q.quarter === 4 ? { ...q, assessed: true, progressPercent: 97.5 } : q,
      ),
    });
    const text = (id: ProjectPageSectionId) => sections.find((s) => s.id === id)!.text;
    expect(text('header')).toContain('\n\n97.5\n\nความคืบหน้าโครงการ ร้อยละ 97.5\n\n');
    expect(text('kpi')).toContain('\n\nผลงานที่ทำได้ ร้อยละ : 97.5\n\n');
    // Newest first: the new entry is (1), a stored text's leading number follows its place.
    const results = text('results');
    expect(
      results.startsWith(
        'ผลการดำเนินงาน\n\n(1) a stored text\n\n(2) ความคืบหน้าโครงการฯ ร้อยละ 90.00 (2021-08-30)',
      ),
    ).toBe(true);
    expect(results).toContain('\n\n(12) ความคืบหน้าโครงการฯ ร้อยละ 5.00 (2020-10-28)');
  });

  it('a page with no entries and no assessment yet', () => {
    const input = seedPageInput();
    const sections = projectPageSections({
      ...input,
      header: { ...input.header, assessment: null },
      texts: { ...input.texts, unitCode: '' },
      entries: [],
      quarters: input.quarters.map((q) => ({ ...q, assessed: false, progressPercent: null })),
    });
    const text = (id: ProjectPageSectionId) => sections.find((s) => s.id === id)!.text;
    expect(
      text('header').endsWith(`\n\n0\n\nความคืบหน้าโครงการ ร้อยละ 0\n\n${fixture.header.contact}`),
    ).toBe(true);
    expect(text('rationale')).toBe(`หลักการและเหตุผล\n\n${fixture.texts.rationale}`);
    expect(text('results')).toBe('ผลการดำเนินงาน');
    expect(text('kpi')).toContain('\n\nผลงานที่ทำได้ ร้อยละ : 0\n\n');
  });

  it('writes percentages without trailing zeros outside the entries', () => {
    expect(formatPagePercent(90)).toBe('90');
    expect(formatPagePercent(92.5)).toBe('92.5');
    expect(formatPagePercent(33.333)).toBe('33.33');
    expect(() => formatPagePercent(Number.NaN)).toThrow(RangeError);
  });

  it('refuses a plan step with a malformed date', () => {
    const input = seedPageInput();
    expect(() =>
      formatProjectPage({
        ...input,
        planSteps: input.planSteps.map((s, i) =>
          i === 1 ? { ...s, end: '2020-10-01 00:00:00' } : s,
        ),
      }),
    ).toThrow('The end date of step 2 must be a calendar date written YYYY-MM-DD');
  });
});
