/**
 * A month end produces a draft that an editor approves in the browser: the collector (real
 * pipeline, simulator's FY2564 world) harvests to April 2021's last evening and writes the draft
 * at 23:00; the editor sets the progress, saves, approves; the text is frozen, downloadable as
 * .txt and .docx, and a viewer can read it but not change it.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_PROJECT_ID, reportObjectId } from '@reachline/shared/models';
import { reportText } from '@reachline/shared/store';
import bcrypt from 'bcryptjs';
import JSZip from 'jszip';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCollector } from '../helpers/collector';
import {
  launchBrowser,
  type RunningDashboard,
  signIn,
  signInCookie,
  startTestDashboard,
  seriousAxeViolations,
} from '../helpers/dashboard';
import { harvestFy2564 } from '../helpers/harvestedYear';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
const artifacts = resolve(import.meta.dirname, '../../artifacts');
let c: TestCollector;
let dashboard: RunningDashboard;
let browser: Browser;
const april = reportObjectId(DEFAULT_PROJECT_ID, '2021-04');
const editor = { email: 'editor@reachline.test', password: 'an editor password 1' };
const viewer = { email: 'viewer@reachline.test', password: 'a viewer password 12' };

beforeAll(async () => {
  c = await harvestFy2564(db, { until: '2021-04-29' });
  await c.setTime(new Date('2021-04-30T23:00:00+07:00'));
  await c.step();
  await c.runtime.monthEnd.check();
  for (const [user, role] of [
    [editor, 'editor'],
    [viewer, 'viewer'],
  ] as const)
    await c.models.User.create({
      email: user.email,
      passwordHash: await bcrypt.hash(user.password, 10),
      role,
      displayName: role,
    });
  dashboard = await startTestDashboard({
    MONGODB_URI: db.mongoUri,
    REDIS_URL: db.redisUrl,
    QUEUE_PREFIX: db.prefix,
  });
  browser = await launchBrowser();
  mkdirSync(artifacts, { recursive: true });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  await c?.close();
});

describe('the reports page', () => {
  it('shows the month-end draft, and an editor sets the progress and approves it', async () => {
    const draft = await c.models.Report.findById(april).lean();
    expect(draft?.status).toBe('draft');
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, dashboard.url, editor);
      await page.goto(`${dashboard.url}/reports?fy=2564&month=2021-04`);
      expect(await page.getByTestId('entry-text').textContent()).toBe(reportText(draft!));
      expect(await page.getByTestId('report-status').textContent()).toBe('ร่าง');

      // A bad progress is refused with a sentence, and nothing changes.
      await page.getByLabel(/ความคืบหน้า ร้อยละ/).fill('120');
      await page.getByRole('button', { name: 'บันทึก' }).click();
      await expect
        .poll(() => page.getByTestId('report-outcome').first().textContent())
        .toContain('Progress must be a number from 0 to 100');
      expect((await c.models.Report.findById(april).lean())?.progressOverride).toBeNull();

      await page.getByLabel(/ความคืบหน้า ร้อยละ/).fill('50');
      await page.getByRole('button', { name: 'บันทึก' }).click();
      await expect
        .poll(() => page.getByTestId('entry-text').textContent())
        .toMatch(/^\(1\) ความคืบหน้าโครงการฯ ร้อยละ 50\.00 \(2021-04-30\)/);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.screenshot({ path: resolve(artifacts, 'reports.png'), fullPage: true });

      await page.getByTestId('approve').click();
      await expect.poll(() => page.getByTestId('report-status').textContent()).toBe('อนุมัติแล้ว');
      const approved = await c.models.Report.findById(april).lean();
      expect(approved?.status).toBe('approved');
      expect(approved?.approvedBy).not.toBeNull();
      expect(approved?.history.map((h) => h.action)).toEqual([
        'generated',
        'progress-overridden',
        'approved',
      ]);
      expect(await page.getByTestId('reopen').isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('downloads the approved entry as .txt and .docx', async () => {
    const cookie = await signInCookie(browser, dashboard.url, viewer);
    const text = reportText((await c.models.Report.findById(april).lean())!);
    const txt = await fetch(`${dashboard.url}/reports/download?id=${String(april)}&format=txt`, {
      headers: { cookie },
    });
    expect(txt.status).toBe(200);
    expect(txt.headers.get('content-disposition')).toContain('reachline-report-2021-04.txt');
    expect(await txt.text()).toBe(`${text}\n`);
    const docx = await fetch(`${dashboard.url}/reports/download?id=${String(april)}&format=docx`, {
      headers: { cookie },
    });
    expect(docx.status).toBe(200);
    const zip = await JSZip.loadAsync(await docx.arrayBuffer());
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(xml).toContain('ความคืบหน้าโครงการฯ ร้อยละ 50.00 (2021-04-30)');
    const bad = await fetch(`${dashboard.url}/reports/download?id=${String(april)}&format=pdf`, {
      headers: { cookie },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'format must be "txt" or "docx".' });
    const anonymous = await fetch(`${dashboard.url}/reports/download?id=${String(april)}`);
    expect(anonymous.status).toBe(401);
  });

  it('lets a viewer read but not edit, approve or reopen', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    try {
      await signIn(page, dashboard.url, viewer);
      await page.goto(`${dashboard.url}/reports?fy=2564&month=2021-04`);
      expect(await page.getByTestId('entry-text').isVisible()).toBe(true);
      expect(await page.getByTestId('reopen').count()).toBe(0);
      expect(await page.getByTestId('approve').count()).toBe(0);
      await page.screenshot({ path: resolve(artifacts, 'reports-phone.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('refuses a month that is not YYYY-MM with one sentence', async () => {
    const cookie = await signInCookie(browser, dashboard.url, viewer);
    const html = await (
      await fetch(`${dashboard.url}/reports?fy=2564&month=2021-13`, { headers: { cookie } })
    ).text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('เดือนต้องเขียนแบบ YYYY-MM');
  });
});
