/**
 * End-to-end helpers: the dashboard's production server against a test database, and Debian's
 * Chromium driven by playwright-core.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { type RunningDashboard, startDashboard } from '@reachline/dev-services';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';

import './provided';

export type { RunningDashboard };

/** The first admin every test dashboard creates from its environment. */
export const TEST_ADMIN = {
  email: 'admin@reachline.test',
  password: 'correct horse battery staple',
};

/**
 * The dashboard's standalone server with throw-away production secrets, the test admin, and `env`
 * on top; `onOutput` receives every line it writes, from start-up on (for log scans).
 */
export function startTestDashboard(
  env: Record<string, string>,
  opts: { onOutput?: (line: string) => void } = {},
): Promise<RunningDashboard> {
  return startDashboard({
    onOutput: opts.onOutput,
    env: {
      SESSION_SECRET: randomBytes(32).toString('hex'),
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      ...env,
    },
  });
}

/**
 * Signs in through the real sign-in page (the first admin is created in the background at
 * start-up, so the first attempts may find no user yet) and leaves the page on `/`.
 */
export async function signIn(
  page: Page,
  baseUrl: string,
  user: { email: string; password: string } = TEST_ADMIN,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel(/อีเมล|Email/).fill(user.email);
    await page.getByLabel(/รหัสผ่าน|Password/).fill(user.password);
    await page.getByRole('button', { name: /เข้าสู่ระบบ|Sign in/ }).click();
    const outcome = await Promise.race([
      page
        .waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 })
        .then(() => 'in'),
      page
        .getByTestId('login-error')
        .waitFor({ timeout: 15_000 })
        .then(() => 'error'),
    ]);
    if (outcome === 'in') return;
    if (Date.now() > deadline)
      throw new Error(
        `signing in as ${user.email} failed: ${await page.getByTestId('login-error').textContent()}`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A `Cookie` header for plain `fetch` calls, from a signed-in browser context. */
export async function sessionCookieOf(context: BrowserContext): Promise<string> {
  const cookies = await context.cookies();
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** Signs in with a throw-away browser context and returns its `Cookie` header. */
export async function signInCookie(
  browser: Browser,
  baseUrl: string,
  user: { email: string; password: string } = TEST_ADMIN,
): Promise<string> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await signIn(page, baseUrl, user);
    return await sessionCookieOf(context);
  } finally {
    await context.close();
  }
}

/**
 * The browser test/global-setup.ts found or installed (CHROMIUM_PATH, Chromium or Chrome on PATH),
 * headless, with the flags this machine needs (no network beyond loopback).
 */
export function launchBrowser(): Promise<Browser> {
  const browser = inject('reachlineBrowser');
  if (browser === undefined)
    throw new Error('no browser was provided: run the tests from the repository root.');
  if (!browser.ok) throw new Error(browser.error);
  return chromium.launch({
    executablePath: browser.path,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * axe-core run in the page: its serious and critical violations as `rule: targets` lines
 * (empty when the page passes), for `expect(...).toEqual([])`.
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate<
    { id: string; impact: string | null; nodes: { target: string[] }[] }[]
  >('axe.run().then((r) => r.violations)');
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Each KPI card's own `.value` text in server-rendered HTML, keyed by its data-testid. */
export function cardValues(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  const card =
    /<div class="card" data-testid="([^"]+)"><div class="label">[^<]*<\/div><div class="value[^"]*">([^<]*)<\/div>/g;
  for (const m of html.matchAll(card)) out[m[1] ?? ''] = m[2] ?? '';
  return out;
}

/** Every admin page (the project slug is the first project's, the seed's). */
export const ADMIN_PAGES: readonly string[] = [
  '/admin',
  '/admin/users',
  '/admin/accounts',
  '/admin/projects',
  '/admin/projects/infographics?fy=2564',
  '/admin/tokens',
  '/admin/operations',
];
