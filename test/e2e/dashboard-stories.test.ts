/**
 * The stories list, its exports and the read API over FY2564 as the real collector harvested it
 * from the simulator: totals, filters, Thai search, paging, CSV/XLSX and JSON agree with what the
 * store holds (and with the office's record: 74 stories, 69 at or over 3,000, 5 below).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCollector } from '../helpers/collector';
import {
  launchBrowser,
  type RunningDashboard,
  signIn,
  signInCookie,
  startTestDashboard,
  TEST_ADMIN,
  seriousAxeViolations,
} from '../helpers/dashboard';
import { harvestFy2564 } from '../helpers/harvestedYear';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
const artifacts = resolve(import.meta.dirname, '../../artifacts');
let collector: TestCollector;
let dashboard: RunningDashboard;
let browser: Browser;
let cookie: string;
const apiToken = `rl_${randomBytes(24).toString('base64url')}`;

interface StoredStory {
  id: string;
  title: string;
  monthKey: string;
  passed: boolean;
  reach: number;
}
let stored: StoredStory[];

const SEARCH_TERM = 'วัคซีน';

beforeAll(async () => {
  collector = await harvestFy2564(db);
  dashboard = await startTestDashboard({
    MONGODB_URI: db.mongoUri,
    REDIS_URL: db.redisUrl,
    QUEUE_PREFIX: db.prefix,
  });
  browser = await launchBrowser();
  cookie = await signInCookie(browser, dashboard.url);
  const admin = await collector.models.User.findOne({ email: TEST_ADMIN.email }).lean();
  if (!admin) throw new Error('the test admin was not created');
  // A read-only API token as the admin screen would create it: the store keeps only its SHA-256
  // (lib/auth/guard.ts hashApiToken), never the token.
  await collector.models.ApiToken.create({
    _id: createHash('sha256').update(apiToken).digest('hex'),
    name: 'stories e2e',
    prefix: apiToken.slice(0, 8),
    createdBy: admin._id,
  });
  // The test reads the store directly (a scan is fine here) to know what the pages must show.
  const docs = await collector.models.Story.find({ 'period.fiscalYear': 2564 }).lean();
  stored = docs.map((d) => ({
    id: String(d._id),
    title: d.title,
    monthKey: d.period.monthKey,
    passed: d.passed,
    reach: d.reach,
  }));
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  await collector?.close();
});

const get = (path: string, headers: Record<string, string> = { cookie }) =>
  fetch(`${dashboard.url}${path}`, { headers });
const bearer = { authorization: `Bearer ${apiToken}` };

async function api(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await get(path, bearer);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** All ids the API lists for a query (every page at the largest page size). */
async function apiIds(query: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const { status, body } = await api(`/api/v1/stories?${query}&pageSize=200&page=${page}`);
    expect(status).toBe(200);
    const items = body.items as { id: string }[];
    ids.push(...items.map((i) => i.id));
    if (page >= (body.pageCount as number)) return ids;
  }
}

/** The page's total and the story ids of its rows, from the server-rendered HTML. */
async function listPage(query: string): Promise<{ total: number; ids: string[]; html: string }> {
  const res = await get(`/stories?${query}`);
  expect(res.status).toBe(200);
  const html = await res.text();
  const total = /data-testid="stories-count" data-total="(\d+)"/.exec(html)?.[1];
  if (total === undefined) throw new Error(`no count on /stories?${query}`);
  const ids = [...html.matchAll(/<tr data-story-id="([0-9a-f]{24})"/g)].map((m) => m[1]!);
  return { total: Number(total), ids, html };
}

const sorted = (ids: string[]) => [...ids].sort();
const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').toLowerCase();

describe('stories list', () => {
  it('lists every FY2564 story the collector stored: 74, of which 69 passed and 5 below', async () => {
    expect(stored).toHaveLength(74); // the office's record
    const all = await listPage('fy=2564&pageSize=200');
    expect(all.total).toBe(74);
    expect(sorted(all.ids)).toEqual(sorted(stored.map((s) => s.id)));

    const passed = await listPage('fy=2564&status=passed&pageSize=200');
    expect(passed.total).toBe(69);
    expect(sorted(passed.ids)).toEqual(sorted(stored.filter((s) => s.passed).map((s) => s.id)));
    const below = await listPage('fy=2564&status=below&pageSize=200');
    expect(below.total).toBe(5);
    expect(sorted(below.ids)).toEqual(sorted(stored.filter((s) => !s.passed).map((s) => s.id)));
    // below = still climbing + harvesting stopped
    const climbing = await listPage('fy=2564&status=climbing&pageSize=200');
    const stopped = await listPage('fy=2564&status=stopped&pageSize=200');
    expect(sorted([...climbing.ids, ...stopped.ids])).toEqual(sorted(below.ids));
  });

  it('filters by month and finds Thai text inside titles, as the store says', async () => {
    const april = await listPage('fy=2564&month=2021-04&pageSize=200');
    const aprilStored = stored.filter((s) => s.monthKey === '2021-04');
    expect(aprilStored.length).toBeGreaterThan(0);
    expect(sorted(april.ids)).toEqual(sorted(aprilStored.map((s) => s.id)));

    const search = await listPage(`fy=2564&q=${encodeURIComponent(SEARCH_TERM)}&pageSize=200`);
    const matching = stored.filter((s) => norm(s.title).includes(SEARCH_TERM));
    expect(matching.length).toBeGreaterThan(1);
    expect(search.total).toBe(matching.length);
    expect(sorted(search.ids)).toEqual(sorted(matching.map((s) => s.id)));
  });

  it('pages through the list without losing or repeating a story', async () => {
    const first = await listPage('fy=2564&pageSize=30');
    const second = await listPage('fy=2564&pageSize=30&page=2');
    const third = await listPage('fy=2564&pageSize=30&page=3');
    expect([first.ids.length, second.ids.length, third.ids.length]).toEqual([30, 30, 14]);
    expect(sorted([...first.ids, ...second.ids, ...third.ids])).toEqual(
      sorted(stored.map((s) => s.id)),
    );
    expect(first.html).toContain('aria-current="page"');
    expect(first.html).toMatch(/href="\/stories\?[^"]*page=2[^"]*" rel="next"/);
    const past = await listPage('fy=2564&pageSize=30&page=9');
    expect(past.total).toBe(74);
    expect(past.ids).toEqual([]);
    // sorted by reach: largest first
    const reaches = (await listPage('fy=2564&sort=reach&pageSize=200')).ids.map(
      (id) => stored.find((s) => s.id === id)!.reach,
    );
    expect(reaches).toEqual([...reaches].sort((a, b) => b - a));
  });

  it('refuses a bad filter with one sentence on the page', async () => {
    const res = await get('/stories?fy=2564&status=nope');
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('สถานะต้องเป็น passed, below, climbing หรือ stopped ไม่ใช่ &quot;nope&quot;');
    expect(html).not.toContain('data-testid="story-table"');
  });

  it('shows each row with a link, BE date, reach bar, metric and crossing date; axe-clean', async () => {
    mkdirSync(artifacts, { recursive: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const p = await context.newPage();
      await signIn(p, dashboard.url);
      await p.goto(`${dashboard.url}/stories?fy=2564`);
      const firstRow = p.locator('[data-story-id]').first();
      await firstRow.waitFor();
      const id = await firstRow.getAttribute('data-story-id');
      expect(await firstRow.locator('a').first().getAttribute('href')).toBe(`/stories/${id}`);
      expect(await firstRow.locator('time').first().textContent()).toMatch(/ 256[34]$/);
      expect(await firstRow.textContent()).toContain('post_total_media_view_unique');
      expect(await seriousAxeViolations(p)).toEqual([]);
      await p.screenshot({ path: resolve(artifacts, 'stories.png'), fullPage: true });

      // The search form works from the keyboard and keeps its state in the URL.
      await p.getByLabel('ค้นหาชื่อเรื่อง').fill(SEARCH_TERM);
      await p.getByLabel('ค้นหาชื่อเรื่อง').press('Enter');
      await p.waitForURL(/q=/);
      const expected = stored.filter((s) => norm(s.title).includes(SEARCH_TERM)).length;
      expect(await p.getByTestId('stories-count').getAttribute('data-total')).toBe(
        String(expected),
      );
      expect(await p.locator('[data-story-id]').count()).toBe(expected);
      await p.getByLabel('สถานะ').selectOption('passed');
      await p.getByRole('button', { name: 'ค้นหา', exact: true }).click();
      await p.waitForURL(/status=passed/);
      expect(new URL(p.url()).searchParams.get('q')).toBe(SEARCH_TERM);
    } finally {
      await context.close();
    }
  });

  it('fits a 360 px phone', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
    try {
      const p = await context.newPage();
      await signIn(p, dashboard.url);
      await p.goto(`${dashboard.url}/stories?fy=2564&pageSize=10`);
      await p.locator('[data-story-id]').first().waitFor();
      const overflow = await p.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await seriousAxeViolations(p)).toEqual([]);
      await p.screenshot({ path: resolve(artifacts, 'stories-phone.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});

describe('stories exports', () => {
  it('CSV has every matching row (not one page), a BOM, and inert titles', async () => {
    const res = await get('/api/export/stories?format=csv&fy=2564&status=passed&pageSize=10');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="reachline-stories-2564\.csv"$/,
    );
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    const ids = lines.slice(1).map((line) => line.split(',')[0]!);
    expect(ids).toHaveLength(69);
    expect(ids).toEqual(await apiIds('fy=2564&status=passed'));
  });

  it('XLSX of a month matches the list, with numbers and dates typed', async () => {
    const res = await get('/api/export/stories?format=xlsx&fy=2564&month=2021-04');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="reachline-stories-2564-2021-04.xlsx"',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    const ids: string[] = [];
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      ids.push(row.getCell(1).text);
      expect(row.getCell(4).type).toBe(ExcelJS.ValueType.Date);
      expect(row.getCell(6).type).toBe(ExcelJS.ValueType.Number);
      const story = stored.find((s) => s.id === row.getCell(1).text);
      expect(row.getCell(6).value).toBe(story?.reach);
      expect(row.getCell(2).value).toBe(story?.title);
    });
    expect(ids).toEqual(await apiIds('fy=2564&month=2021-04'));
    expect(ids.length).toBe(stored.filter((s) => s.monthKey === '2021-04').length);
  });

  it('needs a session or a token, and refuses an unknown format', async () => {
    expect((await get('/api/export/stories?format=csv&fy=2564', {})).status).toBe(401);
    const bad = await get('/api/export/stories?format=pdf&fy=2564');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/^รูปแบบไฟล์ส่งออกต้องเป็น csv หรือ xlsx ไม่ใช่ "pdf"\n$/);
  });
});

describe('read API', () => {
  it('answers 401 without credentials and 200 with a read-only token', async () => {
    const anon = await get('/api/v1/stories?fy=2564', {});
    expect(anon.status).toBe(401);
    const anonBody = (await anon.json()) as { error: string };
    expect(anonBody.error).toMatch(/^[A-Z][^\n]*\.$/);
    expect((await get('/api/v1/kpi?fy=2564', {})).status).toBe(401);
    const wrong = await get('/api/v1/stories?fy=2564', {
      authorization: `Bearer ${'x'.repeat(32)}`,
    });
    expect(wrong.status).toBe(401);

    const { status, body } = await api('/api/v1/stories?fy=2564&status=below');
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 5, page: 1, pageSize: 50, fiscalYear: 2564 });
    const items = body.items as {
      id: string;
      reach: number;
      status: string;
      reachMetrics: { metric: string }[];
    }[];
    expect(sorted(items.map((i) => i.id))).toEqual(
      sorted(stored.filter((s) => !s.passed).map((s) => s.id)),
    );
    for (const item of items) {
      expect(item.reach).toBeLessThan(3000);
      expect(['climbing', 'stopped']).toContain(item.status);
      expect(item.reachMetrics.map((m) => m.metric)).toEqual(['post_total_media_view_unique']);
    }
    // the session works for the API too
    expect((await get('/api/v1/stories?fy=2564')).status).toBe(200);
    expect(sorted(await apiIds('fy=2564'))).toEqual(sorted(stored.map((s) => s.id)));
  });

  it('gives the KPI the overview shows', async () => {
    const { status, body } = await api('/api/v1/kpi?fy=2564');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      fiscalYear: 2564,
      published: 74,
      passed: 69,
      below: 5,
      passRatePercent: 93.24,
      quota: 45,
    });
    const quarters = body.quarters as { published: number; cumulative: { published: number } }[];
    expect(quarters).toHaveLength(4);
    expect(quarters.reduce((sum, q) => sum + q.published, 0)).toBe(74);
    expect(quarters[3]!.cumulative.published).toBe(74);
  });

  it('returns one story with its members, 404 for an unknown id, 400 for a malformed one', async () => {
    const target = stored[0]!;
    const { status, body } = await api(`/api/v1/stories/${target.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: target.id, title: target.title, reach: target.reach });
    const members = body.members as { postId: string; platform: string; url: string | null }[];
    expect(members.length).toBeGreaterThan(0);
    expect(members.some((m) => m.platform === 'facebook')).toBe(true);

    const unknown = await api('/api/v1/stories/0123456789abcdef01234567');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('There is no story with the id 0123456789abcdef01234567.');
    const malformed = await api('/api/v1/stories/not-an-id');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('A story id is 24 hexadecimal digits, not "not-an-id".');
  });

  it.each([
    [
      '/api/v1/kpi?fy=abc',
      'The fiscal year must be a four-digit Buddhist-Era year such as 2564, not "abc".',
    ],
    [
      '/api/v1/stories?fy=abc',
      'The fiscal year must be a four-digit Buddhist-Era year such as 2564, not "abc".',
    ],
    [
      '/api/v1/stories?fy=2564&status=nope',
      'The status must be passed, below, climbing or stopped, not "nope".',
    ],
    ['/api/v1/stories?fy=2564&page=0', 'The page must be a whole number from 1 up, not "0".'],
    [
      '/api/v1/stories?fy=2564&pageSize=500',
      'The page size must be a whole number from 1 to 200, not "500".',
    ],
    ['/api/v1/stories?fy=2564&month=2021-10', 'The month 2021-10 is not in fiscal year 2564.'],
  ])('answers %s with 400 and one sentence', async (path, sentence) => {
    const { status, body } = await api(path);
    expect(status).toBe(400);
    expect(body).toEqual({ error: sentence });
  });
});
