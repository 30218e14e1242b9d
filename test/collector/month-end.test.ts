/**
 * Month end: the collector writes each month's draft entry at 23:00 Bangkok on the month's last
 * day, after harvesting, once; editors then edit, approve, and (explicitly) reopen it, and every
 * change is kept. Real collector pipeline over the simulator's FY2564 world, real store and Redis.
 */
import { storiesOfMonth } from '@reachline/shared';
import { reportObjectId, DEFAULT_PROJECT_ID } from '@reachline/shared/models';
import {
  approveReport,
  editReport,
  regenerateReport,
  reopenReport,
  reportText,
  ReportError,
} from '@reachline/shared/store';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonthEnd } from '../../apps/collector/src/pipeline/monthEnd';
import type { TestCollector } from '../helpers/collector';
import { harvestFy2564 } from '../helpers/harvestedYear';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
let c: TestCollector;
const april = reportObjectId(DEFAULT_PROJECT_ID, '2021-04');
const editor = { id: new Types.ObjectId(), name: 'editor@city.go.th' };

beforeAll(async () => {
  // FY2564 harvested up to the March report date, then the clock runs to April's last evening.
  c = await harvestFy2564(db, { until: '2021-03-31' });
  await c.setTime(new Date('2021-04-30T22:00:00+07:00'));
  await c.step();
}, 300_000);

afterAll(async () => {
  await c?.close();
});

describe('the month-end draft', () => {
  it('is not written for April before 23:00 on its last day', async () => {
    const result = await c.runtime.monthEnd.check();
    // March's end has passed: its draft is written now (the collector catches up).
    expect(result?.monthKey).toBe('2021-03');
    expect(await c.models.Report.exists({ _id: april })).toBeNull();
  });

  it("is written at 23:00 with the month's stories in publish order and their reach", async () => {
    await c.setTime(new Date('2021-04-30T23:00:00+07:00'));
    const result = await c.runtime.monthEnd.check();
    expect(result).toEqual({ monthKey: '2021-04', created: [String(DEFAULT_PROJECT_ID)] });
    const report = await c.models.Report.findById(april).lean();
    expect(report?.status).toBe('draft');
    const stories = await c.models.Story.find({ 'period.monthKey': '2021-04' }).lean();
    const expected = storiesOfMonth(
      stories.map((s) => ({ title: s.title, publishedAt: s.publishedAt, reach: s.reach })),
      '2021-04',
    );
    expect(expected.length).toBe(6); // the office listed six infographics in April 2021
    expect(report?.items.map((i) => [i.title, i.reach])).toEqual(
      expected.map((s) => [s.title, s.reach]),
    );
    const text = reportText(report!);
    expect(text).toContain('30/04/2564 : ');
    expect(text).toContain(`จำนวน 6 ครั้ง ดังนี้ 1. ${expected[0]!.title}`);
    expect(report?.history.map((h) => h.action)).toEqual(['generated']);
  });

  it('changes nothing when triggered again, by this collector or another one', async () => {
    const before = await c.models.Report.findById(april).lean();
    const other = new MonthEnd(c.runtime.ctx, c.runtime.pipeline);
    const [a, b] = await Promise.all([c.runtime.monthEnd.check(), other.check()]);
    expect(a).toBeNull();
    expect(b).toBeNull();
    const after = await c.models.Report.findById(april).lean();
    expect(after?.generatedText).toBe(before?.generatedText);
    expect(after?.history).toHaveLength(1);
    expect(await c.models.Report.countDocuments({ monthKey: '2021-04' })).toBe(1);
  });

  it("takes an editor's progress and text, freezes on approval, and keeps every change", async () => {
    const now = () => c.clock.now();
    await editReport(c.models, april, editor, { progressOverride: 50 }, now());
    let report = await c.models.Report.findById(april).lean();
    expect(reportText(report!)).toMatch(/^\(1\) ความคืบหน้าโครงการฯ ร้อยละ 50\.00 \(2021-04-30\)/);

    await expect(
      editReport(c.models, april, editor, { progressOverride: 101 }, now()),
    ).rejects.toThrow('Progress must be a number from 0 to 100');
    await expect(editReport(c.models, april, editor, { text: '   ' }, now())).rejects.toThrow(
      'The entry text cannot be empty.',
    );

    const handWritten = `${reportText(report!)}\nแก้ไขโดยบรรณาธิการ`;
    await editReport(c.models, april, editor, { text: handWritten }, now());
    await approveReport(c.models, april, editor, now());
    report = await c.models.Report.findById(april).lean();
    expect(report?.status).toBe('approved');
    expect(reportText(report!)).toBe(handWritten);

    // Frozen: neither a new harvest nor a regeneration changes an approved text.
    await c.setTime(new Date('2021-05-02T12:00:00+07:00'));
    await c.step();
    await expect(regenerateReport(c.models, april, editor, now())).rejects.toBeInstanceOf(
      ReportError,
    );
    await expect(editReport(c.models, april, editor, { problems: 'x' }, now())).rejects.toThrow(
      'approved and frozen',
    );
    expect(reportText((await c.models.Report.findById(april).lean())!)).toBe(handWritten);

    // Reopened explicitly, regenerated from the store's numbers: the hand-written text goes,
    // the override stays, and the history holds every step with its text.
    await reopenReport(c.models, april, editor, now());
    await regenerateReport(c.models, april, editor, now());
    report = await c.models.Report.findById(april).lean();
    expect(report?.editedText).toBeNull();
    expect(reportText(report!)).toContain('ร้อยละ 50.00');
    expect(report?.history.map((h) => h.action)).toEqual([
      'generated',
      'progress-overridden',
      'edited',
      'approved',
      'reopened',
      'regenerated',
    ]);
    expect(report?.history[2]?.text).toBe(handWritten);
    expect(report?.history[2]?.byName).toBe(editor.name);
  });
});
