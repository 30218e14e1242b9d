/**
 * The dashboard's first page, built for production and served by `next start`, reads the FY2564
 * KPI from the store; checked over HTTP and in headless Chromium (with a screenshot).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildDashboard } from '@reachline/dev-services';
import { loadFy2564 } from '@reachline/shared/data';
import { createModels, ensureIndexes } from '@reachline/shared/models';
import { importFy2564 } from '@reachline/shared/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type RunningDashboard, startTestDashboard } from '../helpers/dashboard';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
let dashboard: RunningDashboard;
const seed = loadFy2564();

beforeAll(async () => {
  const models = createModels(db.connection);
  await ensureIndexes(models);
  await importFy2564(models, seed);
  dashboard = await startTestDashboard({ MONGODB_URI: db.mongoUri });
}, 240_000);

afterAll(async () => {
  await dashboard?.stop();
});

describe('dashboard overview', () => {
  it('answers its health check with the store reachable', async () => {
    const res = await fetch(`${dashboard.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', store: { ok: true } });
  });

  it('shows the FY2564 KPI read from the store', async () => {
    // The office's own FY2564 figures (shared/research/seed-summary.md): 74 published, 69 reached
    // 3,000, 93.24 %; goal 90 % of 50 stories = a quota of 45.
    const html = await (await fetch(`${dashboard.url}/?fy=2564`)).text();
    expect(cardValues(html)).toEqual({
      'kpi-published': '74',
      'kpi-passed': '69',
      'kpi-rate': '93.24 %',
      'kpi-quota': '69 / 45',
    });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
      await page.goto(`${dashboard.url}/?fy=2564`);
      await expect
        .poll(() => page.getByTestId('kpi-published').locator('.value').textContent())
        .toBe('74');
      expect(await page.getByTestId('kpi-passed').locator('.value').textContent()).toBe('69');
      expect(await page.getByTestId('kpi-rate').locator('.value').textContent()).toBe('93.24 %');
      expect(await page.getByTestId('kpi-quota').locator('.value').textContent()).toBe('69 / 45');
      const dir = resolve(import.meta.dirname, '../../artifacts');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: resolve(dir, 'overview.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('reads the figures from the store: a story marked below the line drops the counts', async () => {
    const { Story } = createModels(db.connection);
    const story = await Story.findOneAndUpdate(
      { 'period.fiscalYear': 2564, passed: true },
      { $set: { passed: false } },
    ).lean();
    expect(story).not.toBeNull();
    try {
      const html = await (await fetch(`${dashboard.url}/?fy=2564`)).text();
      expect(cardValues(html)).toEqual({
        'kpi-published': '74',
        'kpi-passed': '68',
        'kpi-rate': '91.89 %',
        'kpi-quota': '68 / 45',
      });
    } finally {
      await Story.updateOne({ _id: story?._id }, { $set: { passed: true } });
    }
    const back = await (await fetch(`${dashboard.url}/?fy=2564`)).text();
    expect(cardValues(back)['kpi-passed']).toBe('69');
  });

  it('shows an empty year as zero, not as an error', async () => {
    const html = await (await fetch(`${dashboard.url}/?fy=2570`)).text();
    expect(cardValues(html)).toEqual({
      'kpi-published': '0',
      'kpi-passed': '0',
      'kpi-rate': '– %',
      'kpi-quota': '0 / 45',
    });
    expect(html).not.toContain('role="alert"');
  });

  it.each(['2564x', '1999', '<script>'])(
    'refuses ?fy=%s with a clear message and no figures',
    async (fy) => {
      const html = await (await fetch(`${dashboard.url}/?fy=${encodeURIComponent(fy)}`)).text();
      expect(html).toContain('role="alert"');
      expect(html).toContain('must be a Buddhist-Era year such as 2564');
      expect(html).not.toContain('data-testid="kpi-published"');
      expect(html).not.toContain('<script>"'); // the value is escaped, never markup
    },
  );
});

describe('dashboard start-up', () => {
  const server = resolve(
    import.meta.dirname,
    '../../apps/dashboard/.next/standalone/apps/dashboard/server.js',
  );
  it.each([
    ['a missing MONGODB_URI', {}, /^reachline dashboard: MONGODB_URI is missing/m],
    [
      'a malformed MONGODB_URI',
      { MONGODB_URI: 'localhost:27017' },
      /^reachline dashboard: MONGODB_URI is malformed/m,
    ],
  ])('stops with one sentence on %s', async (_name, env, pattern) => {
    await buildDashboard();
    const run = spawnSync(process.execPath, [server], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: '0',
        HOSTNAME: '127.0.0.1',
        SESSION_SECRET: 'x'.repeat(40),
        TOKEN_ENCRYPTION_KEY: 'a'.repeat(64),
        ...env,
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

/** Each KPI card's own `.value` text in server-rendered HTML, keyed by its data-testid. */
function cardValues(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  const card =
    /<div class="card" data-testid="([^"]+)"><div class="label">[^<]*<\/div><div class="value[^"]*">([^<]*)<\/div>/g;
  for (const m of html.matchAll(card)) out[m[1] ?? ''] = m[2] ?? '';
  return out;
}
