/**
 * Who may do what: every page and route without a session, as a viewer and as an editor; server
 * actions replayed across roles and from another site; security headers; session expiry, sign-out,
 * "sign out everywhere" and disabling; the sign-in rate limit. On the FY2564 import, the
 * dashboard's production server, Chromium. Prints how many pages, routes and actions it tried.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../apps/dashboard/lib/i18n/catalog';
import {
  launchBrowser,
  type RunningDashboard,
  signIn,
  signInCookie,
  startTestDashboard,
  TEST_ADMIN,
} from '../helpers/dashboard';
import { useTestDatabase } from '../helpers/services';
import {
  dashboardPages,
  EDITOR,
  type SecurityFixture,
  seedSecurityFixture,
  VIEWER,
} from './fixture';

const db = useTestDatabase();
const SESSION_SECRET = randomBytes(32).toString('hex');
const SESSION_TTL_HOURS = 3;
const th = translator('th');
let fx: SecurityFixture;
let dashboard: RunningDashboard;
let browser: Browser;
let adminContext: BrowserContext;
let adminPage: Page;

interface CapturedAction {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}
const captured = new Map<string, CapturedAction>();
let capturing = '';

const pages = () => dashboardPages(fx);
const routes = () => [
  '/api/v1/kpi?project=infographics&fy=2564',
  '/api/v1/stories?fy=2564',
  `/api/v1/stories/${fx.plainStoryId}`,
  '/api/export/stories?format=csv&fy=2564',
  '/api/events',
  '/api/admin/operations',
  `/reports/download?id=${fx.reportId}&format=txt`,
];
const adminOnly = (path: string) => path.startsWith('/admin') || path.startsWith('/api/admin');

async function get(path: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(`${dashboard.url}${path}`, {
    headers,
    redirect: 'manual',
    signal: controller.signal,
  });
  // /api/events streams: read a little, then go away.
  const text = path === '/api/events' && res.ok ? '' : await res.text();
  controller.abort();
  return { status: res.status, location: res.headers.get('location'), text, headers: res.headers };
}

function replay(action: CapturedAction, cookie: string, origin = dashboard.url) {
  return fetch(action.url, {
    method: 'POST',
    headers: { ...action.headers, cookie, origin },
    body: action.body,
    redirect: 'manual',
  });
}

/** A session row written straight into the store, as the dashboard writes one; its cookie. */
async function plantSession(userId: string, expiresAt: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const _id = createHmac('sha256', SESSION_SECRET).update(token).digest('hex');
  await fx.models.Session.create({ _id, userId, role: 'viewer', expiresAt });
  return `reachline_session=${token}`;
}

const sessionsOf = (userId: string) => fx.models.Session.countDocuments({ userId });

beforeAll(async () => {
  fx = await seedSecurityFixture(db);
  dashboard = await startTestDashboard({
    MONGODB_URI: db.mongoUri,
    REDIS_URL: db.redisUrl,
    QUEUE_PREFIX: db.prefix,
    SESSION_SECRET,
    SESSION_TTL_HOURS: String(SESSION_TTL_HOURS),
  });
  browser = await launchBrowser();
  adminContext = await browser.newContext();
  adminPage = await adminContext.newPage();
  await signIn(adminPage, dashboard.url);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

/** Registers a capture of the next server-action request a page sends, under `label`. */
function captureOn(page: Page) {
  page.on('request', (req) => {
    const headers = req.headers();
    if (!capturing || !headers['next-action'] || captured.has(capturing)) return;
    captured.set(capturing, {
      url: req.url(),
      headers,
      body: req.postDataBuffer() ?? Buffer.alloc(0),
    });
  });
}

describe('without a session', { timeout: 120_000 }, () => {
  it('every page redirects to the sign-in page and every route answers 401', async () => {
    for (const path of pages()) {
      const res = await get(path);
      expect(res.status, path).toBe(307);
      expect(res.location, path).toMatch(/^\/login\?next=/);
    }
    for (const path of routes()) {
      const res = await get(path);
      expect(res.status, path).toBe(401);
      expect((JSON.parse(res.text) as { error: string }).error, path).toMatch(/^Sign in first/);
    }
    // Only these answer without a session.
    expect((await get('/login')).status).toBe(200);
    expect((await get('/api/health')).status).toBe(200);
    console.log(
      `[security] without a session: ${pages().length} pages redirected, ${routes().length} routes 401`,
    );
  });
});

describe('roles', { timeout: 180_000 }, () => {
  it('a viewer and an editor get 403 on admin pages and routes; an API token is read-only', async () => {
    let tried = 0;
    for (const user of [VIEWER, EDITOR]) {
      const cookie = await signInCookie(browser, dashboard.url, user);
      for (const path of pages()) {
        const res = await get(path, { cookie });
        expect(res.status, `${user.email} ${path}`).toBe(adminOnly(path) ? 403 : 200);
        if (adminOnly(path)) expect(res.text).toContain(th('forbiddenTitle'));
        tried++;
      }
      for (const path of routes()) {
        const res = await get(path, { cookie });
        expect(res.status, `${user.email} ${path}`).toBe(adminOnly(path) ? 403 : 200);
        tried++;
      }
    }
    const bearer = { authorization: `Bearer ${fx.apiToken}` };
    for (const path of routes()) {
      const res = await get(path, bearer);
      expect(res.status, `token ${path}`).toBe(adminOnly(path) ? 403 : 200);
      tried++;
    }
    console.log(`[security] roles: ${tried} page/route requests as viewer, editor and API token`);
  });

  it('a viewer gets 403 on every editor and admin server action, and nothing changes', async () => {
    // Capture the actions' requests from real pages, each with input the action refuses, so the
    // captures themselves change nothing.
    const editorContext = await browser.newContext();
    const editorPage = await editorContext.newPage();
    captureOn(editorPage);
    captureOn(adminPage);
    try {
      await signIn(editorPage, dashboard.url, EDITOR);
      await editorPage.goto(`${dashboard.url}/reports?fy=2564&month=${fx.monthKey}`);
      capturing = 'saveReport';
      await editorPage.locator('input[name="progress"]').fill('120');
      await editorPage.locator('form:has(input[name="progress"]) button[type="submit"]').click();
      await editorPage.getByTestId('report-outcome').waitFor();
      await editorPage.goto(`${dashboard.url}/stories/${fx.plainStoryId}`);
      capturing = 'manualReach';
      const manual = editorPage.getByTestId('manual-form').first();
      await manual.locator('input[name="reach"]').fill('not a number');
      await manual.locator('button[type="submit"]').click();
      await editorPage.getByTestId('edit-error').first().waitFor();
      capturing = 'moveTarget';
      const move = editorPage.getByTestId('move-form').first();
      await move.locator('input[name="targetId"]').fill('0123');
      await move.locator('button[type="submit"]').click();
      await expect.poll(() => captured.has('moveTarget')).toBe(true);
      await adminPage.goto(`${dashboard.url}/admin/users`);
      capturing = 'createUser';
      const create = adminPage.getByTestId('user-create');
      await adminPage.locator('[data-testid="user-create"][data-ready="true"]').waitFor();
      await create.locator('input[name="email"]').fill('someone@reachline.test');
      await create.locator('input[name="displayName"]').fill('Someone');
      await create
        .locator('input[name="password"]')
        .evaluate((el: unknown) =>
          (el as { removeAttribute(name: string): void }).removeAttribute('minlength'),
        );
      await create.locator('input[name="password"]').fill('short');
      await create.getByRole('button').last().click();
      await adminPage.getByTestId('user-create-answer').waitFor();
      capturing = '';
    } finally {
      await editorContext.close();
    }
    expect([...captured.keys()].sort()).toEqual([
      'createUser',
      'manualReach',
      'moveTarget',
      'saveReport',
    ]);

    const snapshot = async () =>
      JSON.stringify(
        await Promise.all([
          fx.models.User.find({}, { lastLoginAt: 0 }).sort({ email: 1 }).lean(),
          fx.models.Report.findById(fx.reportId).lean(),
          fx.models.Story.findById(fx.plainStoryId).lean(),
        ]),
      );
    const viewerCookie = await signInCookie(browser, dashboard.url, VIEWER);
    const editorCookie = await signInCookie(browser, dashboard.url, EDITOR);
    const before = await snapshot();
    for (const [label, action] of captured) {
      const res = await replay(action, viewerCookie);
      expect(res.status, label).toBe(403);
      await res.arrayBuffer();
      // Without a session: sent to the sign-in page, never run.
      const anonymous = await replay(action, '');
      expect(anonymous.headers.get('x-action-redirect'), label).toMatch(/^\/login\?next=/);
      await anonymous.arrayBuffer();
    }
    // Control: the replays do reach the actions (the editor's is answered with its refusal).
    const control = await replay(captured.get('saveReport')!, editorCookie);
    expect(control.status).toBe(200);
    await control.arrayBuffer();
    const adminOnlyReplay = await replay(captured.get('createUser')!, editorCookie);
    expect(adminOnlyReplay.status).toBe(403);
    await adminOnlyReplay.arrayBuffer();
    expect(await snapshot()).toBe(before);
    console.log(`[security] server actions: ${captured.size} replayed as viewer and anonymous`);
  });
});

describe('cross-site requests and headers', { timeout: 120_000 }, () => {
  it('refuses a server action and a sign-out sent from another site', async () => {
    const editorCookie = await signInCookie(browser, dashboard.url, EDITOR);
    // "Sign out everywhere" on the editor's row, as the admin: captured, then replayed.
    await adminPage.goto(`${dashboard.url}/admin/users`);
    const form = adminPage.locator(`[data-testid="signout-${EDITOR.email}"][data-ready="true"]`);
    await form.waitFor();
    const before = await sessionsOf(fx.editorId);
    expect(before).toBeGreaterThan(0);
    capturing = 'endSessions';
    await form.getByRole('button').last().click();
    await adminPage.getByTestId(`signout-${EDITOR.email}-answer`).waitFor();
    capturing = '';
    expect(await adminPage.getByTestId(`signout-${EDITOR.email}-answer`).textContent()).toBe(
      th('adminUserSignedOutDone', { email: EDITOR.email, count: before }),
    );
    expect(await sessionsOf(fx.editorId)).toBe(0);
    expect((await get('/api/v1/stories?fy=2564', { cookie: editorCookie })).status).toBe(401);

    const again = await signInCookie(browser, dashboard.url, EDITOR);
    const adminCookie = (await adminContext.cookies())
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const action = captured.get('endSessions')!;
    for (const origin of ['http://evil.test', 'null']) {
      const res = await replay(action, adminCookie, origin);
      expect(res.status, origin).toBeGreaterThanOrEqual(400);
      expect(await res.text()).not.toMatch(/at .*\.js:\d+/); // no stack trace
    }
    expect((await get('/api/v1/stories?fy=2564', { cookie: again })).status).toBe(200);
    // Control: the same request from the dashboard's own origin works.
    const res = await replay(action, adminCookie);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect((await get('/api/v1/stories?fy=2564', { cookie: again })).status).toBe(401);

    const viewerCookie = await signInCookie(browser, dashboard.url, VIEWER);
    const logout = (origin: string) =>
      fetch(`${dashboard.url}/logout`, {
        method: 'POST',
        headers: { cookie: viewerCookie, origin },
        redirect: 'manual',
      });
    expect((await logout('http://evil.test')).status).toBe(403);
    expect((await get('/api/v1/stories?fy=2564', { cookie: viewerCookie })).status).toBe(200);
    expect((await logout(dashboard.url)).status).toBe(303);
    expect((await get('/api/v1/stories?fy=2564', { cookie: viewerCookie })).status).toBe(401);
  });

  it('sends CSP, frame-ancestors, nosniff and a referrer policy with pages, routes and files', async () => {
    const cookie = await signInCookie(browser, dashboard.url, VIEWER);
    const login = await get('/login');
    const chunk = /src="(\/_next\/static\/[^"]+\.js)"/.exec(login.text)?.[1];
    expect(chunk).toBeDefined();
    const checked = [
      '/login',
      '/',
      '/stories?fy=2564',
      '/api/health',
      '/api/v1/stories?fy=2564',
      '/api/export/stories?format=csv&fy=2564',
      '/no-such-page',
      chunk!,
    ];
    for (const path of checked) {
      const { headers } = await get(path, { cookie });
      const csp = headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("object-src 'none'");
      expect(headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(headers.get('x-frame-options'), path).toBe('DENY');
      expect(headers.get('referrer-policy'), path).toBe('same-origin');
    }
    // The policy does not break the pages: a signed-in page renders and hydrates without CSP errors.
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await signIn(page, dashboard.url, VIEWER);
    await page.goto(`${dashboard.url}/stories?fy=2564`);
    await page.waitForLoadState('networkidle');
    await context.close();
    expect(violations).toEqual([]);
    console.log(`[security] headers: ${checked.length} responses checked`);
  });
});

describe('sessions', { timeout: 120_000 }, () => {
  it('an expired session is refused; a session lasts SESSION_TTL_HOURS', async () => {
    const expired = await plantSession(fx.viewerId, new Date(Date.now() - 1000));
    const valid = await plantSession(fx.viewerId, new Date(Date.now() + 60_000));
    expect((await get('/api/v1/stories?fy=2564', { cookie: expired })).status).toBe(401);
    expect((await get('/', { cookie: expired })).status).toBe(307);
    expect((await get('/api/v1/stories?fy=2564', { cookie: valid })).status).toBe(200);
    expect((await get('/', { cookie: valid })).status).toBe(200);

    const t0 = Date.now();
    const context = await browser.newContext();
    await signIn(await context.newPage(), dashboard.url, VIEWER);
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'reachline_session');
    await context.close();
    const id = createHmac('sha256', SESSION_SECRET).update(cookie!.value).digest('hex');
    const row = await fx.models.Session.findById(id).lean();
    const ttl = SESSION_TTL_HOURS * 3_600_000;
    expect(row!.expiresAt.getTime()).toBeGreaterThanOrEqual(t0 + ttl - 1000);
    expect(row!.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + ttl + 1000);
    expect(Math.abs(cookie!.expires * 1000 - row!.expiresAt.getTime())).toBeLessThan(2000);
  });

  it('disabling a user ends their sessions at once', async () => {
    const user = { email: 'leaver@reachline.test', password: 'a leaver password 1' };
    const doc = await fx.models.User.create({
      email: user.email,
      passwordHash: (await import('bcryptjs')).default.hashSync(user.password, 10),
      role: 'viewer',
      displayName: 'Leaver',
    });
    const cookie = await signInCookie(browser, dashboard.url, user);
    expect((await get('/api/v1/stories?fy=2564', { cookie })).status).toBe(200);
    await adminPage.goto(`${dashboard.url}/admin/users`);
    const form = adminPage.locator(`[data-testid="disable-${user.email}"][data-ready="true"]`);
    await form.getByRole('button').last().click();
    await adminPage.getByTestId(`disable-${user.email}-answer`).waitFor();
    expect(await sessionsOf(String(doc._id))).toBe(0);
    expect((await get('/api/v1/stories?fy=2564', { cookie })).status).toBe(401);
  });
});

describe('sign-in rate limit', { timeout: 180_000 }, () => {
  it('after 5 failures the right password is refused too, with one sentence', async () => {
    const user = { email: 'guessed@reachline.test', password: 'the right password 1' };
    const doc = await fx.models.User.create({
      email: user.email,
      passwordHash: (await import('bcryptjs')).default.hashSync(user.password, 10),
      role: 'viewer',
      displayName: 'Guessed',
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    const attempt = async (password: string) => {
      await page.goto(`${dashboard.url}/login`);
      await page.getByLabel(/อีเมล|Email/).fill(user.email);
      await page.getByLabel(/รหัสผ่าน|Password/).fill(password);
      await page.getByRole('button', { name: /เข้าสู่ระบบ|Sign in/ }).click();
      await page.getByTestId('login-error').waitFor({ timeout: 30_000 });
      return page.getByTestId('login-error').textContent();
    };
    try {
      for (let i = 0; i < 5; i++)
        expect(await attempt(`wrong password ${i}`)).toBe(th('loginFailed'));
      expect(await attempt(user.password)).toBe(th('loginBlocked'));
      expect(await sessionsOf(String(doc._id))).toBe(0);
    } finally {
      await context.close();
    }
    // Another user is not locked out by it.
    expect(await signInCookie(browser, dashboard.url, TEST_ADMIN)).toContain('reachline_session=');
    console.log('[security] rate limit: 5 failures, then the right password refused');
  });
});
