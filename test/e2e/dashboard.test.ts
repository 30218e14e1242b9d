/**
 * The dashboard's first page, built for production and served by `next start`, reads the FY2564
 * KPI from the store; checked over HTTP and in headless Chromium (with a screenshot).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildDashboard } from '@reachline/dev-services';
import { loadFy2564 } from '@reachline/shared/data';
import { createModels, ensureIndexes, kpiFiguresId } from '@reachline/shared/models';
import { importFy2564 } from '@reachline/shared/seed';
import bcrypt from 'bcryptjs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  type RunningDashboard,
  signIn,
  signInCookie,
  startTestDashboard,
  cardValues,
} from '../helpers/dashboard';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
let dashboard: RunningDashboard;
let browser: Browser;
let cookie: string;
const seed = loadFy2564();

/** GET a dashboard page as the signed-in test admin. */
const page = async (path: string) =>
  (await fetch(`${dashboard.url}${path}`, { headers: { cookie } })).text();

beforeAll(async () => {
  const models = createModels(db.connection);
  await ensureIndexes(models);
  await importFy2564(models, seed);
  dashboard = await startTestDashboard({ MONGODB_URI: db.mongoUri });
  browser = await launchBrowser();
  cookie = await signInCookie(browser, dashboard.url);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

describe('dashboard overview', () => {
  it('answers its health check with the store reachable', async () => {
    const res = await fetch(`${dashboard.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', store: { ok: true } });
  });

  it('sends a visitor who is not signed in to the sign-in page', async () => {
    const res = await fetch(`${dashboard.url}/?fy=2564`, { redirect: 'manual' });
    expect([303, 307]).toContain(res.status);
    expect(res.headers.get('location')).toMatch(/\/login\?next=%2F/);
    const html = await res.text();
    expect(html).not.toContain('data-testid="kpi-published"');
  });

  it('refuses a wrong password with one sentence and no session', async () => {
    const context = await browser.newContext();
    try {
      const p = await context.newPage();
      await p.goto(`${dashboard.url}/login`);
      await p.getByLabel(/อีเมล|Email/).fill('admin@reachline.test');
      await p.getByLabel(/รหัสผ่าน|Password/).fill('not the password at all');
      await p.getByRole('button', { name: /เข้าสู่ระบบ|Sign in/ }).click();
      await expect.poll(() => p.getByTestId('login-error').textContent()).toContain('ไม่ถูกต้อง');
      expect((await context.cookies()).map((c) => c.name)).not.toContain('reachline_session');
    } finally {
      await context.close();
    }
  });

  it('blocks an email after 5 failed sign-ins, even with the right password', async () => {
    // A user of its own, so the admin's sign-ins in the other tests are not blocked.
    const { User } = createModels(db.connection);
    await User.create({
      email: 'target@reachline.test',
      passwordHash: await bcrypt.hash('the right password', 4),
      role: 'viewer',
      displayName: 'target',
    });
    const context = await browser.newContext();
    try {
      const p = await context.newPage();
      const attempt = async (password: string) => {
        await p.goto(`${dashboard.url}/login`);
        await p.getByLabel(/อีเมล|Email/).fill('target@reachline.test');
        await p.getByLabel(/รหัสผ่าน|Password/).fill(password);
        await p.getByRole('button', { name: /เข้าสู่ระบบ|Sign in/ }).click();
        await p.getByTestId('login-error').waitFor();
        return p.getByTestId('login-error').textContent();
      };
      for (let i = 0; i < 5; i++) expect(await attempt(`wrong password ${i}`)).toContain('ไม่ถูกต้อง');
      expect(await attempt('the right password')).toContain('หลายครั้งเกินไป');
      expect((await context.cookies()).map((c) => c.name)).not.toContain('reachline_session');
    } finally {
      await context.close();
    }
  });

  it('refuses a sign-out posted from another site (CSRF), and keeps the session', async () => {
    const foreign = await fetch(`${dashboard.url}/logout`, {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example' },
      redirect: 'manual',
    });
    expect(foreign.status).toBe(403);
    expect(cardValues(await page('/?fy=2564'))['kpi-published']).toBe('74');
  });

  it('shows the FY2564 KPI read from the store', async () => {
    // The office's own FY2564 figures (shared/research/seed-summary.md): 74 published, 69 reached
    // 3,000, 93.24 %; goal 90 % of 50 stories = a quota of 45.
    const html = await page('/?fy=2564');
    expect(cardValues(html)).toEqual({
      'kpi-published': '74',
      'kpi-passed': '69',
      'kpi-rate': '93.24 %',
      'kpi-quota': '69 / 45',
    });
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    try {
      const p = await context.newPage();
      await signIn(p, dashboard.url);
      await p.goto(`${dashboard.url}/?fy=2564`);
      await expect
        .poll(() => p.getByTestId('kpi-published').locator('.value').textContent())
        .toBe('74');
      expect(await p.getByTestId('kpi-passed').locator('.value').textContent()).toBe('69');
      expect(await p.getByTestId('kpi-rate').locator('.value').textContent()).toBe('93.24 %');
      expect(await p.getByTestId('kpi-quota').locator('.value').textContent()).toBe('69 / 45');
      const dir = resolve(import.meta.dirname, '../../artifacts');
      mkdirSync(dir, { recursive: true });
      await p.screenshot({ path: resolve(dir, 'overview-imported.png'), fullPage: true });
      // English is one click away, and the page comes back with the same year.
      await p.getByTestId('lang-switch').click();
      await p.waitForURL(/fy=2564/);
      expect(await p.locator('h1').first().textContent()).toBe('KPI, fiscal year 2564');
      expect(await p.getByTestId('kpi-passed').locator('.label').textContent()).toBe(
        'Reached 3,000',
      );
    } finally {
      await context.close();
    }
  });

  it("reads the figures from the store: the collector's figures document drives the cards", async () => {
    const { KpiFigures } = createModels(db.connection);
    const id = kpiFiguresId(2564);
    await KpiFigures.updateOne({ _id: id }, { $inc: { passed: -1 } });
    try {
      const html = await page('/?fy=2564');
      expect(cardValues(html)).toEqual({
        'kpi-published': '74',
        'kpi-passed': '68',
        'kpi-rate': '91.89 %',
        'kpi-quota': '68 / 45',
      });
    } finally {
      await KpiFigures.updateOne({ _id: id }, { $inc: { passed: 1 } });
    }
    const back = await page('/?fy=2564');
    expect(cardValues(back)['kpi-passed']).toBe('69');
  });

  it('shows an empty year as zero, not as an error', async () => {
    const html = await page('/?fy=2570');
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
      const html = await page(`/?fy=${encodeURIComponent(fy)}`);
      expect(html).toContain('role="alert"');
      expect(html).toContain('ปีงบประมาณต้องเป็นปี พ.ศ. สี่หลัก เช่น 2564');
      expect(html).not.toContain('data-testid="kpi-published"');
      expect(html).not.toContain('<script>"'); // the value is escaped, never markup
    },
  );
});

describe('dashboard start-up', () => {
  // The production entry (the Docker image's CMD): Next.js's handler behind the page cache.
  const server = resolve(
    import.meta.dirname,
    '../../apps/dashboard/.next/standalone/apps/dashboard/front.mjs',
  );
  it.each([
    ['a missing MONGODB_URI', {}, /^reachline dashboard: MONGODB_URI is missing/m],
    [
      'a malformed MONGODB_URI',
      { MONGODB_URI: 'localhost:27017' },
      /^reachline dashboard: MONGODB_URI is malformed/m,
    ],
    [
      'a missing SESSION_SECRET',
      { MONGODB_URI: 'mongodb://127.0.0.1:9/x', SESSION_SECRET: '' },
      /^reachline dashboard: SESSION_SECRET is missing/m,
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
