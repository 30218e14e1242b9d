/**
 * The whole project page written from the store: FY2564 imported, the office's eleven entries
 * filed as approved reports (their texts as the office wrote them, their progress as stated), and
 * the page built by `buildProjectPage` must equal the seed page but for the web page's navigation
 * links, which no generator writes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FY2564_DIR, loadFy2564 } from '@reachline/shared/data';
import {
  createModels,
  DEFAULT_PROJECT_ID,
  ensureIndexes,
  reportObjectId,
} from '@reachline/shared/models';
import { importFy2564 } from '@reachline/shared/seed';
import { buildProjectPage } from '@reachline/shared/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
const seedPage = readFileSync(resolve(FY2564_DIR, 'project-page.txt'), 'utf8');
const entryTexts = (
  JSON.parse(readFileSync(resolve(FY2564_DIR, 'entry-texts.json'), 'utf8')) as {
    entries: Record<string, string>;
  }
).entries;
const NAVIGATION = [
  '\n\nBack Home\nFusionCharts will render here',
  '\n\nดูโครงการแผนปีฯ : พิมพ์ข้อมูล',
  '\n\n(ทดสอบ) แสดงขั้นตอนการดำเนินงานโครงการ : 04110000-3768',
  '\n\n(คลิก) ขั้นตอนการปฏิบัติงานของโครงการ : 04110000-3768',
];

let models: ReturnType<typeof createModels>;

beforeAll(async () => {
  models = createModels(db.connection);
  await ensureIndexes(models);
  const seed = loadFy2564();
  await importFy2564(models, seed);
  // Filed in an order unlike the page's, to show the page orders and numbers them itself.
  for (const e of [...seed.entries].sort((a, b) => (a.entry % 3) - (b.entry % 3))) {
    const monthKey = e.reportDate.slice(0, 7);
    const text = entryTexts[String(e.entry)]!;
    await models.Report.create({
      _id: reportObjectId(DEFAULT_PROJECT_ID, monthKey),
      projectId: DEFAULT_PROJECT_ID,
      fiscalYear: 2564,
      monthKey,
      reportDate: new Date(`${e.reportDate}T23:00:00+07:00`),
      progressPercent: 0,
      progressOverride: e.progressPercent,
      generatedText: 'generated text the office replaced with its own',
      editedText: text,
      status: 'approved',
      generatedAt: new Date(),
      approvedAt: new Date(),
    });
  }
}, 120_000);

describe('the project page from the store', () => {
  it('equals the FY2564 seed page but for its navigation links', async () => {
    const page = await buildProjectPage(
      models,
      DEFAULT_PROJECT_ID,
      2564,
      new Date('2021-08-30T12:00:00+07:00'),
    );
    let expected = seedPage.replace(/\n+$/, '');
    for (const piece of NAVIGATION) {
      expect(expected).toContain(piece);
      expected = expected.replace(piece, '');
    }
    expect(page).toBe(expected);
  });

  it('reflects the store: Q1 stories below the line fail Q1 outcome score (2.2)', async () => {
    const q1 = await models.Story.find({ 'period.quarter': 1 }, { reach: 1 }).lean();
    expect(q1).toHaveLength(25);
    await models.Story.updateMany({ 'period.quarter': 1 }, { $set: { reach: 10 } });
    try {
      const page = await buildProjectPage(
        models,
        DEFAULT_PROJECT_ID,
        2564,
        new Date('2021-08-30T12:00:00+07:00'),
      );
      const table = page.slice(page.lastIndexOf('(* 2.1 / 2.2 *)'));
      // Q1: 25 of 12.5 published (100) but 0 of 11.25 passed (0); later quarters catch up.
      expect(table).toContain('1\n15.00\n\n100 / 0\n2\n40.00\n\n100 / 100');
    } finally {
      for (const s of q1)
        await models.Story.updateOne({ _id: s._id }, { $set: { reach: s.reach } });
    }
  });
});
