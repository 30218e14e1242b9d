/**
 * `npm run collector -- report`: the month's entry as filed, the whole project page, and a .docx
 * file, from a store holding FY2564 and the office's eleven approved entries; bad flags get a
 * usage line and exit 2.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FY2564_DIR, loadFy2564 } from '@reachline/shared/data';
import {
  createModels,
  DEFAULT_PROJECT_ID,
  ensureIndexes,
  reportObjectId,
} from '@reachline/shared/models';
import { importFy2564 } from '@reachline/shared/seed';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCollectorCli } from '../helpers/cli';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
const entryTexts = (
  JSON.parse(readFileSync(resolve(FY2564_DIR, 'entry-texts.json'), 'utf8')) as {
    entries: Record<string, string>;
  }
).entries;

const cli = (args: string[]) => runCollectorCli(args, { MONGODB_URI: db.mongoUri });

beforeAll(async () => {
  const models = createModels(db.connection);
  await ensureIndexes(models);
  const seed = loadFy2564();
  await importFy2564(models, seed);
  for (const e of seed.entries) {
    const monthKey = e.reportDate.slice(0, 7);
    await models.Report.create({
      _id: reportObjectId(DEFAULT_PROJECT_ID, monthKey),
      projectId: DEFAULT_PROJECT_ID,
      fiscalYear: 2564,
      monthKey,
      reportDate: new Date(`${e.reportDate}T23:00:00+07:00`),
      progressPercent: e.progressPercent,
      generatedText: entryTexts[String(e.entry)]!,
      status: 'approved',
      generatedAt: new Date(),
    });
  }
}, 120_000);

describe('collector report', () => {
  it("prints a month's entry as filed", async () => {
    const r = await cli(['report', '--month', '2021-04']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${entryTexts['5']}\n`);
  });

  it('prints the whole project page as on a day: the seed page but for its navigation', async () => {
    const r = await cli(['report', '--month', '2021-04', '--page', '--as-of', '2021-08-30']);
    expect(r.code).toBe(0);
    const seedPage = readFileSync(resolve(FY2564_DIR, 'project-page.txt'), 'utf8');
    expect(r.stdout.startsWith('ความคืบหน้าโครงการ/กิจกรรม')).toBe(true);
    // Every entry of the seed, newest first, as filed.
    let at = -1;
    for (const n of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']) {
      const next = r.stdout.indexOf(entryTexts[n]!.slice(entryTexts[n]!.indexOf(')') + 1));
      expect(next, `entry ${n}`).toBeGreaterThan(at);
      at = next;
    }
    expect(r.stdout.trimEnd().endsWith(seedPage.trimEnd().split('\n').at(-1)!)).toBe(true);
  });

  it('writes a .docx file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'reachline-')), 'april.docx');
    const r = await cli(['report', '--month', '2021-04', '--format', 'docx', '--out', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`written ${file}\n`);
    const zip = await JSZip.loadAsync(readFileSync(file));
    expect(await zip.file('word/document.xml')!.async('string')).toContain(
      '(5) ความคืบหน้าโครงการฯ ร้อยละ 50.00 (2021-04-29)',
    );
  });

  it.each([
    [['report', '--month', '2021-13'], /expected a month as YYYY-MM/],
    [['report', '--month', '2021-04', '--format', 'pdf'], /Allowed choices are txt, docx/],
    [['report', '--month', '2021-04', '--format', 'docx'], /add --out FILE\.docx/],
    [['report', '--month', '2021-04', '--project', 'nope'], /no project "nope"/],
    [['report', '--month', '2020-09'], /no report for 2020-09 yet/],
  ])('refuses %j with one line and exit 2', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});
