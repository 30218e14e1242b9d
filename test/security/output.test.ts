/**
 * What leaves the dashboard: a story title holding `<script>` is text on every page, in the API,
 * the exports and the report downloads; spreadsheet cells that start with = + - @ are inert; and
 * after all of it (plus an account added with a platform token through the admin page) no secret
 * appears in any page, response, the server's log or the build in `.next/`. Prints what it read.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  type RunningDashboard,
  sessionCookieOf,
  signIn,
  startTestDashboard,
  TEST_ADMIN,
} from '../helpers/dashboard';
import { useTestDatabase } from '../helpers/services';
import {
  dashboardPages,
  FORMULA_TITLES,
  SCRIPT_TITLE,
  type SecurityFixture,
  seedSecurityFixture,
  VIEWER,
} from './fixture';

const db = useTestDatabase();
const SESSION_SECRET = randomBytes(32).toString('hex');
const TOKEN_ENCRYPTION_KEY = randomBytes(32).toString('hex');
const PLATFORM_TOKEN = `EAAG${randomBytes(30).toString('hex')}`;
let fx: SecurityFixture;
let dashboard: RunningDashboard;
let browser: Browser;
let admin: BrowserContext;
let page: Page;
const serverLog: string[] = [];
/** Every body the tests received, by where it came from: scanned for secrets at the end. */
const received = new Map<string, string>();

async function fetchText(path: string, cookie: string): Promise<{ res: Response; body: Buffer }> {
  const res = await fetch(`${dashboard.url}${path}`, { headers: { cookie } });
  const body = Buffer.from(await res.arrayBuffer());
  received.set(`GET ${path}`, body.toString('utf8'));
  return { res, body };
}

/** A page in the admin's browser: its HTML once loaded, and whether any injected script ran. */
async function visit(path: string): Promise<string> {
  await page.goto(`${dashboard.url}${path}`);
  await page.waitForLoadState('networkidle');
  expect(await page.evaluate('window.__xss'), path).toBeUndefined();
  const html = await page.content();
  received.set(`page ${path}`, html);
  return html;
}

beforeAll(async () => {
  fx = await seedSecurityFixture(db);
  dashboard = await startTestDashboard(
    {
      MONGODB_URI: db.mongoUri,
      REDIS_URL: db.redisUrl,
      QUEUE_PREFIX: db.prefix,
      SESSION_SECRET,
      TOKEN_ENCRYPTION_KEY,
    },
    { onOutput: (line) => serverLog.push(line) },
  );
  browser = await launchBrowser();
  admin = await browser.newContext();
  page = await admin.newPage();
  // Every response the browser receives (documents, RSC payloads, action answers).
  page.on('response', (res) => {
    const type = res.headers()['content-type'] ?? '';
    if (!/text|json|javascript|x-component/.test(type)) return;
    void res
      .text()
      .then((text) => received.set(`browser ${res.request().method()} ${res.url()}`, text))
      .catch(() => undefined);
  });
  await signIn(page, dashboard.url);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

describe('a title holding <script>', { timeout: 180_000 }, () => {
  it('is text on the story page, the list, the overview and the reports page', async () => {
    const story = await visit(`/stories/${fx.scriptStoryId}`);
    expect(await page.getByTestId('story-title').textContent()).toBe(SCRIPT_TITLE);
    expect(story).toContain('&lt;script&gt;window.__xss=1&lt;/script&gt;');
    const list = await visit(`/stories?fy=2564&month=${fx.monthKey}`);
    expect(await page.getByText(SCRIPT_TITLE, { exact: true }).count()).toBeGreaterThan(0);
    expect(list).not.toContain('<script>window.__xss');
    await visit(`/stories?fy=2564&q=${encodeURIComponent('<script>')}`);
    expect(await page.getByText(SCRIPT_TITLE, { exact: true }).count()).toBeGreaterThan(0);
    await visit('/?fy=2564');
    const reports = await visit(`/reports?fy=2564&month=${fx.monthKey}`);
    expect(await page.getByTestId('entry-text').textContent()).toContain(SCRIPT_TITLE);
    expect(reports).not.toContain('<script>window.__xss');
    // Next's own payload scripts carry the title JSON-escaped (\u003c), never as markup.
    for (const html of [story, list, reports]) expect(html).not.toContain('<script>window.__xss');
  });

  it('is a JSON string in the API, and plain text in the report downloads', async () => {
    const cookie = await sessionCookieOf(admin);
    const api = await fetchText(`/api/v1/stories/${fx.scriptStoryId}`, cookie);
    expect(api.res.headers.get('content-type')).toContain('application/json');
    expect((JSON.parse(api.body.toString()) as { title: string }).title).toBe(SCRIPT_TITLE);
    const txt = await fetchText(`/reports/download?id=${fx.reportId}&format=txt`, cookie);
    expect(txt.res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(txt.res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(txt.body.toString()).toContain(SCRIPT_TITLE);
    const docx = await fetchText(`/reports/download?id=${fx.reportId}&format=docx`, cookie);
    const xml = await (await JSZip.loadAsync(docx.body)).file('word/document.xml')!.async('string');
    received.set('docx document.xml', xml);
    expect(xml).toContain('&lt;script&gt;window.__xss=1&lt;/script&gt;');
    expect(xml).not.toContain('<script>');
  });
});

describe('exports', { timeout: 120_000 }, () => {
  it('write = + - @ titles as inert text in CSV and XLSX, and <script> as it is', async () => {
    const cookie = await sessionCookieOf(admin);
    const query = `fy=2564&month=${fx.monthKey}`;
    const csv = (
      await fetchText(`/api/export/stories?format=csv&${query}`, cookie)
    ).body.toString();
    for (const title of FORMULA_TITLES) {
      const quoted = `'${title}`;
      const field = /[",]/.test(quoted) ? `"${quoted.replace(/"/g, '""')}"` : quoted;
      expect(csv, title).toContain(`,${field},`);
    }
    // No field of any line starts with a formula character.
    const fields = csv.split(/\r\n/).flatMap((line) => line.split(','));
    expect(fields.filter((f) => /^"?[=+\-@]/.test(f))).toEqual([]);
    expect(csv).toContain(SCRIPT_TITLE.replace(/"/g, '""'));

    const xlsx = await fetchText(`/api/export/stories?format=xlsx&${query}`, cookie);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    let cells = 0;
    const texts: string[] = [];
    book.worksheets[0]!.eachRow((row) =>
      row.eachCell((cell) => {
        cells++;
        expect(cell.type, String(cell.address)).not.toBe(ExcelJS.ValueType.Formula);
        if (typeof cell.value === 'string') texts.push(cell.value);
      }),
    );
    for (const title of FORMULA_TITLES) expect(texts).toContain(`'${title}`);
    expect(texts.filter((t) => /^[=+\-@]/.test(t))).toEqual([]);
    expect(texts).toContain(SCRIPT_TITLE);
    console.log(
      `[output] exports: ${FORMULA_TITLES.length} formula titles inert in CSV and XLSX (${cells} cells read)`,
    );
  });
});

/** Every file under `dir` (not node_modules), for the build scan. */
function filesUnder(dir: string, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    if (name === 'node_modules' || name === 'cache') continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) filesUnder(path, out);
    else if (st.isFile() && st.size < 50_000_000) out.push(path);
  }
  return out;
}

describe('secrets', { timeout: 240_000 }, () => {
  it('never appear in pages, responses, the server log or the build', async () => {
    // An account added through the admin page with a platform token the test knows.
    await visit('/admin/accounts');
    const form = page.locator('[data-testid="account-add"][data-ready="true"]');
    await form.locator('[name="externalId"]').fill('security-page');
    await form.locator('[name="displayName"]').fill('Security page');
    await form.locator('[name="token"]').fill(PLATFORM_TOKEN);
    await form.getByRole('button').last().click();
    await page.getByTestId('account-add-answer').waitFor();
    const account = await fx.models.Account.findOne({ externalId: 'security-page' }).lean();
    const sealed = account?.encryptedToken ?? '';
    expect(sealed.length).toBeGreaterThan(40);

    // Every page an admin and a viewer see, and every API answer.
    const paths = dashboardPages(fx);
    for (const path of paths) await visit(path);
    const cookie = await sessionCookieOf(admin);
    for (const path of [
      '/api/v1/kpi?project=infographics&fy=2564',
      '/api/v1/stories?fy=2564&pageSize=100',
      `/api/v1/stories/${fx.plainStoryId}`,
      '/api/admin/operations',
      '/api/health',
      '/api/export/stories?format=csv&fy=2564',
    ])
      await fetchText(path, cookie);
    const viewer = await browser.newContext();
    await signIn(await viewer.newPage(), dashboard.url, VIEWER);
    const viewerCookie = await sessionCookieOf(viewer);
    await viewer.close();
    for (const path of paths.slice(0, 4)) await fetchText(path, viewerCookie);
    // A failed sign-in carrying the admin's password (for another user): a classic log leak.
    const mistaken = await browser.newContext();
    const p = await mistaken.newPage();
    await p.goto(`${dashboard.url}/login`);
    await p.getByLabel(/อีเมล|Email/).fill(VIEWER.email);
    await p.getByLabel(/รหัสผ่าน|Password/).fill(TEST_ADMIN.password);
    await p.getByRole('button', { name: /เข้าสู่ระบบ|Sign in/ }).click();
    await p.getByTestId('login-error').waitFor();
    await mistaken.close();
    await dashboard.stop(); // flush the log; the build below is what stays on disk

    const secrets: Record<string, string | RegExp> = {
      'platform token': PLATFORM_TOKEN,
      'sealed token': sealed,
      'sealed token ciphertext': sealed.split(':').sort((a, b) => b.length - a.length)[0]!,
      TOKEN_ENCRYPTION_KEY,
      SESSION_SECRET,
      'API token': fx.apiToken,
      'bcrypt hash': /\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}/,
    };
    const sources = new Map(received);
    sources.set('server log', serverLog.join('\n'));
    const root = resolve(import.meta.dirname, '../../apps/dashboard/.next');
    const built = filesUnder(root);
    for (const file of built) sources.set(file, readFileSync(file).toString('latin1'));
    const found: string[] = [];
    for (const [where, text] of sources)
      for (const [name, secret] of Object.entries(secrets))
        if (typeof secret === 'string' ? text.includes(secret) : secret.test(text))
          found.push(`${name} in ${where}`);
    const logAndBuild = [serverLog.join('\n'), ...built.map((f) => sources.get(f)!)];
    for (const text of logAndBuild)
      if (text.includes(TEST_ADMIN.password)) found.push('admin password in the log or build');
    expect(found).toEqual([]);
    expect(serverLog.length).toBeGreaterThan(0);
    console.log(
      `[output] secrets: ${Object.keys(secrets).length + 1} secrets looked for in ${received.size} responses and pages, ${serverLog.length} log lines and ${built.length} build files: none found`,
    );
  });
});
