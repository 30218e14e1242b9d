import { describe, expect, it } from 'vitest';
import { loadFy2564 } from '../data/fy2564';
import { DEFAULT_KPI_TARGETS, DEFAULT_PLAN_STEPS, type PlanStep } from '../kpi';
import {
  ProgressError,
  computeProgress,
  effectiveProgress,
  findStoryStep,
  formatProgressWorking,
  progressOverrideProblem,
  publishedUpTo,
  type StepDates,
} from './progress';

const plan = DEFAULT_PLAN_STEPS;
const target = DEFAULT_KPI_TARGETS.targetStories;

describe('computeProgress: the rule on small cases', () => {
  it('finds the publishing step by its name (step 3 of the FY2564 plan)', () => {
    expect(findStoryStep(plan)).toBe(2);
    expect(findStoryStep([{ name: 'Publish the clips', weight: 100 }])).toBe(0);
    expect(findStoryStep([{ name: 'จัดทำแผน', weight: 100 }])).toBeNull();
  });

  it('preparation done from the year start, publishing by stories, evaluation at year end', () => {
    const r = computeProgress({
      planSteps: plan,
      reportDate: '2020-10-28',
      targetStories: 50,
      publishedSoFar: 8,
    });
    expect(r.steps.map((s) => [s.weight, s.donePercent, s.contribution])).toEqual([
      [10, 100, 10],
      [35, 100, 35],
      [45, 16, 7.2],
      [10, 0, 0],
    ]);
    expect(r.percent).toBe(52.2);
    expect(r.steps[0]!.basis).toEqual({
      kind: 'dates',
      start: '2020-10-01',
      end: '2020-10-01',
      daysElapsed: 1,
      daysTotal: 1,
      datesFrom: 'yearStart',
    });
    expect(r.steps[3]!.basis).toMatchObject({ start: '2021-09-30', datesFrom: 'yearEnd' });
  });

  it('caps the publishing step at 100 % and finishes on the last day of the fiscal year', () => {
    const before = computeProgress({
      planSteps: plan,
      reportDate: '2021-09-29',
      targetStories: 50,
      publishedSoFar: 74,
    });
    expect(before.steps[2]!.donePercent).toBe(100);
    expect(before.percent).toBe(90);
    const last = computeProgress({
      planSteps: plan,
      reportDate: '2021-09-30',
      targetStories: 50,
      publishedSoFar: 74,
    });
    expect(last.percent).toBe(100);
  });

  it('runs a dated step linearly over its days, inclusive of both ends', () => {
    const steps: PlanStep[] = [
      { name: 'จัดทำแผน', weight: 30 },
      { name: 'เผยแพร่', weight: 70 },
    ];
    const stepDates: (StepDates | null)[] = [{ start: '2020-10-01', end: '2020-10-10' }, null];
    const at = (reportDate: string) =>
      computeProgress({
        planSteps: steps,
        reportDate,
        targetStories: 3,
        publishedSoFar: 1,
        stepDates,
      });
    expect(at('2020-10-01').steps[0]!.donePercent).toBe(10);
    expect(at('2020-10-04').steps[0]!.contribution).toBe(12);
    expect(at('2020-10-10').steps[0]!.donePercent).toBe(100);
    // 1 of 3 stories: 33.33 % done, 70 × 1/3 = 23.33 points; the total is the rounded parts' sum.
    const r = at('2020-10-04');
    expect(r.steps[1]!.donePercent).toBe(33.33);
    expect(r.steps[1]!.contribution).toBe(23.33);
    expect(r.percent).toBe(35.33);
    // Before the start day nothing of the step is done.
    const early = computeProgress({
      planSteps: steps,
      reportDate: '2020-10-31',
      targetStories: 3,
      publishedSoFar: 0,
      stepDates: [{ start: '2020-11-01', end: '2020-11-30' }, null],
    });
    expect(early.percent).toBe(0);
  });

  it('without a publishing step, undated steps run over the whole fiscal year', () => {
    const r = computeProgress({
      planSteps: [{ name: 'จัดทำแผน', weight: 100 }],
      reportDate: '2021-03-31',
      targetStories: 50,
      publishedSoFar: 0,
    });
    // 1 Oct 2020 .. 31 Mar 2021 is 182 of the year's 365 days.
    expect(r.steps[0]!.basis).toMatchObject({ daysElapsed: 182, daysTotal: 365 });
    expect(r.percent).toBe(49.86);
  });

  it('a target of 0 stories counts the publishing step as done', () => {
    const r = computeProgress({
      planSteps: [{ name: 'เผยแพร่', weight: 100 }],
      reportDate: '2021-01-15',
      targetStories: 0,
      publishedSoFar: 0,
    });
    expect(r.percent).toBe(100);
  });

  it('writes the working in Thai (default) and English, adding up to the figure', () => {
    const r = computeProgress({
      planSteps: plan,
      reportDate: '2021-01-31',
      targetStories: 50,
      publishedSoFar: 37,
    });
    expect(r.working).toHaveLength(5);
    expect(r.working[0]).toBe(
      `ขั้นตอน 1 ${plan[0]!.name} (น้ำหนักร้อยละ 10): กำหนด 01/10/2563 (ไม่ได้กำหนดวันที่ ถือเป็นงานเตรียมการ เสร็จตั้งแต่วันแรกของปีงบประมาณ) ณ 31/01/2564 ผ่านไป 1 จาก 1 วัน = ดำเนินการแล้วร้อยละ 100.00 → 10 × 100.00% = 10.00`,
    );
    expect(r.working[2]).toBe(
      `ขั้นตอน 3 ${plan[2]!.name} (น้ำหนักร้อยละ 45): เผยแพร่แล้ว 37 จากเป้าหมาย 50 เรื่อง = ดำเนินการแล้วร้อยละ 74.00 → 45 × 74.00% = 33.30`,
    );
    expect(r.working[4]).toBe('รวม 10.00 + 35.00 + 33.30 + 0.00 = ร้อยละ 78.30');
    const en = formatProgressWorking(r, 'en');
    expect(en[2]).toBe(
      `Step 3 ${plan[2]!.name} (weight 45 %): 37 of 50 stories published = 74.00 % done → 45 × 74.00 % = 33.30`,
    );
    expect(en[3]).toBe(
      `Step 4 ${plan[3]!.name} (weight 10 %): planned 2021-09-30 (no dates given: an evaluation step, done on the last day of the fiscal year); on 2021-01-31 0 of 1 days elapsed = 0.00 % done → 10 × 0.00 % = 0.00`,
    );
    expect(en[4]).toBe('Total 10.00 + 35.00 + 33.30 + 0.00 = 78.30 %');
    const over = computeProgress({
      planSteps: plan,
      reportDate: '2021-03-31',
      targetStories: 50,
      publishedSoFar: 59,
    });
    expect(over.working[2]).toContain(
      'เผยแพร่แล้ว 59 จากเป้าหมาย 50 เรื่อง (เกินเป้าหมาย นับไม่เกินร้อยละ 100)',
    );
  });

  it('refuses a bad plan, date, count or step index with one sentence', () => {
    const base = {
      planSteps: plan,
      reportDate: '2021-01-31',
      targetStories: 50,
      publishedSoFar: 1,
    };
    const problem = (over: object) => {
      try {
        computeProgress({ ...base, ...over });
      } catch (err) {
        expect(err).toBeInstanceOf(RangeError);
        return (err as Error).message;
      }
      return null;
    };
    expect(problem({ planSteps: [{ name: 'a', weight: 60 }] })).toBe(
      "The plan's step weights must add up to 100, not 60.",
    );
    expect(problem({ planSteps: [] })).toBe('The plan has no steps.');
    expect(problem({ reportDate: '2021-02-30' })).toBe(
      'The report date must be a calendar date written YYYY-MM-DD, got "2021-02-30".',
    );
    expect(problem({ publishedSoFar: -1 })).toMatch(/published so far must be a whole number/);
    expect(problem({ targetStories: 2.5 })).toMatch(/target number of stories/);
    expect(problem({ storyStep: 4 })).toBe(
      'The publishing step must be one of steps 1..4, got index 4.',
    );
    expect(problem({ stepDates: [null] })).toMatch(/one date range per plan step/);
    expect(
      problem({ stepDates: [{ start: '2020-10-05', end: '2020-10-01' }, null, null, null] }),
    ).toBe('Step 1 ends (2020-10-01) before it starts (2020-10-05).');
    expect(problem({})).toBeNull();
  });
});

describe('publishedUpTo', () => {
  it('counts stories of the fiscal year up to the end of the report date in Bangkok', () => {
    const stories = [
      { publishedAt: new Date('2020-09-30T16:59:59Z') }, // 30 Sep 23:59 Bangkok: FY2563
      { publishedAt: new Date('2020-09-30T17:00:00Z') }, // 1 Oct 00:00 Bangkok: FY2564
      { publishedAt: new Date('2020-10-28T16:59:59Z') }, // 28 Oct 23:59 Bangkok
      { publishedAt: new Date('2020-10-28T17:00:00Z') }, // 29 Oct 00:00 Bangkok
    ];
    expect(publishedUpTo(stories, '2020-10-28')).toBe(2);
    expect(publishedUpTo(stories, '2020-10-29')).toBe(3);
  });
});

describe('the rule against the office own monthly figures (FY2564 page)', () => {
  const { posts, entries } = loadFy2564();
  const months = [...entries].sort((a, b) => a.reportDate.localeCompare(b.reportDate));
  const seedPlanDates: StepDates[] = plan.map(() => ({ start: '2020-10-01', end: '2020-10-01' }));
  const rows = months.map((e) => {
    const publishedSoFar = publishedUpTo(posts, e.reportDate);
    const common = {
      planSteps: plan,
      reportDate: e.reportDate,
      targetStories: target,
      publishedSoFar,
    };
    return {
      reportDate: e.reportDate,
      office: e.progressPercent,
      publishedSoFar,
      rule: computeProgress(common).percent,
      seedDates: computeProgress({ ...common, stepDates: seedPlanDates }).percent,
      calendar: computeProgress({
        ...common,
        storyStep: null,
        stepDates: plan.map(() => ({ start: '2020-10-01', end: '2021-09-30' })),
      }).percent,
    };
  });

  it('prints the comparison', () => {
    const mae = (k: 'rule' | 'seedDates' | 'calendar') =>
      (rows.reduce((s, r) => s + Math.abs(r[k] - r.office), 0) / rows.length).toFixed(2);
    console.log(
      [
        'report date | published | office | rule (default dates) | plan dates as written | calendar only',
        ...rows.map(
          (r) =>
            `${r.reportDate} | ${r.publishedSoFar} | ${r.office.toFixed(2)} | ${r.rule.toFixed(2)} | ${r.seedDates.toFixed(2)} | ${r.calendar.toFixed(2)}`,
        ),
        `mean absolute difference | | | ${mae('rule')} | ${mae('seedDates')} | ${mae('calendar')}`,
      ].join('\n'),
    );
    expect(rows).toHaveLength(11);
  });

  it('stories published so far, month by month, as the page lists them', () => {
    expect(rows.map((r) => r.publishedSoFar)).toEqual([8, 16, 25, 37, 49, 59, 65, 70, 74, 74, 74]);
  });

  it('agrees with the office in August 2021 only (90.00: steps 1–3 done, evaluation pending)', () => {
    const matching = rows.filter((r) => r.rule === r.office).map((r) => r.reportDate);
    expect(matching).toEqual(['2021-08-30']);
    expect(rows.find((r) => r.reportDate === '2021-08-30')?.rule).toBe(90);
  });

  it('differs in the other ten months exactly as the rule says (the office follows the calendar)', () => {
    expect(rows.map((r) => r.rule)).toEqual([52.2, 59.4, 67.5, 78.3, 89.1, 90, 90, 90, 90, 90, 90]);
    // The office is below the rule everywhere it differs: its figure grows with the months, ours
    // with the stories, and 49 of the 50 stories were out by February.
    for (const r of rows.filter((x) => x.reportDate !== '2021-08-30')) {
      expect(r.rule).toBeGreaterThan(r.office);
    }
  });

  it("taking the plan's dates as written (all 2020-10-01) matches no month", () => {
    expect(rows.filter((r) => r.seedDates === r.office)).toEqual([]);
    expect(rows.map((r) => r.seedDates)).toEqual([
      62.2, 69.4, 77.5, 88.3, 99.1, 100, 100, 100, 100, 100, 100,
    ]);
  });
});

describe('effectiveProgress and the override', () => {
  it('uses the override when there is one, else the computed figure', () => {
    expect(effectiveProgress(52.2, null)).toBe(52.2);
    expect(effectiveProgress(52.2, undefined)).toBe(52.2);
    expect(effectiveProgress(52.2, 5)).toBe(5);
    expect(effectiveProgress(52.2, 0)).toBe(0);
    expect(effectiveProgress(90, 100)).toBe(100);
    expect(effectiveProgress(90, 12.34)).toBe(12.34);
  });

  it('refuses an override outside 0..100 or with more than two decimals', () => {
    expect(progressOverrideProblem(12.345)).toBe(
      'The progress override may have at most two decimals, not 12.345.',
    );
    expect(progressOverrideProblem(100.01)).toBe(
      'The progress override must be from 0 to 100, not 100.01.',
    );
    expect(progressOverrideProblem(-1)).toBe(
      'The progress override must be from 0 to 100, not -1.',
    );
    expect(progressOverrideProblem(Number.NaN)).toBe(
      'The progress override must be a number from 0 to 100.',
    );
    expect(progressOverrideProblem('50')).toBe(
      'The progress override must be a number from 0 to 100.',
    );
    expect(progressOverrideProblem(0.1 + 0.2)).toBeNull(); // 0.30000000000000004 is 0.30
    expect(() => effectiveProgress(50, 101)).toThrow(ProgressError);
    expect(() => effectiveProgress(50, 101)).toThrow('must be from 0 to 100, not 101');
    expect(() => effectiveProgress(150, null)).toThrow(
      'The computed progress must be from 0 to 100',
    );
  });
});
