/**
 * Bad input, on purpose: every route handler with wrong types, missing fields, MongoDB operators
 * where a string belongs, invalid ids and dates, oversize values and bodies; every server action
 * through its real form in Chromium, with its fields tampered before submitting (an operator
 * string, an invalid ObjectId, a field removed, a huge value). Each answer must be a 4xx (routes)
 * or the form's one sentence (actions), never a stack trace, and the store must read back exactly
 * as before. Prints how many cases it tried.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../apps/dashboard/lib/i18n/catalog';
import {
  launchBrowser,
  type RunningDashboard,
  sessionCookieOf,
  signIn,
  startTestDashboard,
} from '../helpers/dashboard';
import { useTestDatabase } from '../helpers/services';
import { EDITOR, type SecurityFixture, seedSecurityFixture, VIEWER } from './fixture';

const db = useTestDatabase();
const th = translator('th');
const OPERATOR = '{"$gt":""}';
const NO_SUCH_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';
let fx: SecurityFixture;
let dashboard: RunningDashboard;
let browser: Browser;
let admin: BrowserContext;
let editor: BrowserContext;
let viewerCookie: string;
const serverLog: string[] = [];

/** Everything a request could change, read back whole (small collections) or by `_id`. */
async function storeSnapshot(): Promise<string> {
  const m = fx.models;
  const [users, accounts, projects, settings, tokens, sessions, reports, stories, posts, snaps] =
    await Promise.all([
      m.User.find({}, { lastLoginAt: 0 }).sort({ email: 1 }).lean(),
      m.Account.find({}).sort({ externalId: 1 }).lean(),
      m.Project.find({}).sort({ slug: 1 }).lean(),
      m.KpiSettings.find({}).sort({ fiscalYear: 1 }).lean(),
      m.ApiToken.find({}, { lastUsedAt: 0 }).sort({ name: 1 }).lean(),
      m.Session.find({}, { _id: 1, userId: 1, expiresAt: 1 }).sort({ _id: 1 }).lean(),
      m.Report.find({}).sort({ _id: 1 }).lean(),
      m.Story.find({}).sort({ _id: 1 }).lean(),
      m.Post.find({}).sort({ _id: 1 }).lean(),
      m.ReachSnapshot.countDocuments({}),
    ]);
  return JSON.stringify({
    users,
    accounts,
    projects,
    settings,
    tokens,
    sessions,
    reports,
    stories,
    posts,
    snaps,
  });
}

/** One sentence for a person: a line of plain text, no stack, no internals. */
function expectOneSentence(text: string, label: string): void {
  const s = text.trim();
  expect(s.length, label).toBeGreaterThan(5);
  expect(s.length, label).toBeLessThan(300);
  expect(s, label).not.toMatch(
    /\n|\bat \S+:\d+|Error:|TypeError|Cast to|ObjectId\(|\[object |undefined|E11000/,
  );
}

beforeAll(async () => {
  fx = await seedSecurityFixture(db);
  dashboard = await startTestDashboard({
    MONGODB_URI: db.mongoUri,
    REDIS_URL: db.redisUrl,
    QUEUE_PREFIX: db.prefix,
  });
  dashboard.process.stdout?.on('data', (b: Buffer) => serverLog.push(b.toString()));
  dashboard.process.stderr?.on('data', (b: Buffer) => serverLog.push(b.toString()));
  browser = await launchBrowser();
  admin = await browser.newContext();
  await signIn(await admin.newPage(), dashboard.url);
  editor = await browser.newContext();
  await signIn(await editor.newPage(), dashboard.url, EDITOR);
  const viewer = await browser.newContext();
  await signIn(await viewer.newPage(), dashboard.url, VIEWER);
  viewerCookie = await sessionCookieOf(viewer);
  await viewer.close();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

describe('route handlers', { timeout: 180_000 }, () => {
  it('answer bad query parameters, ids, headers and bodies with a 4xx and one sentence', async () => {
    const op = encodeURIComponent(OPERATOR);
    const big = 'x'.repeat(4000);
    type Case = [path: string, status: number, init?: RequestInit];
    const cases: Case[] = [
      [`/api/v1/kpi?project=${op}&fy=2564`, 400],
      // An operator as a parameter *name* is an unknown parameter: ignored, the default project.
      ['/api/v1/kpi?project[$gt]=&fy=2564', 200],
      ['/api/v1/kpi?project=infographics&fy=abc', 400],
      ['/api/v1/kpi?project=infographics&fy=99999', 400],
      [`/api/v1/kpi?project=infographics&fy=${op}`, 400],
      ['/api/v1/kpi?project=infographics&fy[$ne]=1', 200],
      [`/api/v1/kpi?project=${big}&fy=2564`, 400],
      ['/api/v1/stories?fy=2564&page=-1', 400],
      ['/api/v1/stories?fy=2564&page=abc', 400],
      ['/api/v1/stories?fy=2564&pageSize=100000', 400],
      ['/api/v1/stories?fy=2564&sort=__proto__', 400],
      ['/api/v1/stories?fy=2564&dir=sideways', 400],
      ['/api/v1/stories?fy=2564&month=2021-13', 400],
      [`/api/v1/stories?fy=2564&month=${op}`, 400],
      ['/api/v1/stories?fy=2564&status=evil', 400],
      ['/api/v1/stories?fy=2564&platform=myspace', 400],
      [`/api/v1/stories?fy=2564&platform=${op}`, 400],
      ['/api/v1/stories?fy=2564&page=1&page=2', 400],
      [`/api/v1/stories/${op}`, 400],
      ['/api/v1/stories/not-an-id', 400],
      [`/api/v1/stories/${NO_SUCH_ID}0`, 400],
      [`/api/v1/stories/${NO_SUCH_ID}`, 404],
      ['/api/export/stories?fy=2564', 400],
      ['/api/export/stories?fy=2564&format=pdf', 400],
      ['/api/export/stories?fy=2564&format=csv&format=xlsx', 400],
      [`/api/export/stories?fy=2564&format=${op}`, 400],
      ['/api/export/stories?fy=25x4&format=csv', 400],
      ['/api/export/stories?fy=2564&format=csv&month=2021-02-31', 400],
      [`/reports/download?id=${op}&format=txt`, 400],
      [`/reports/download?id=${fx.reportId}&format=exe`, 400],
      ['/reports/download?format=txt', 400],
      [`/reports/download?id=${NO_SUCH_ID}&format=txt`, 404],
      ['/lang?to=fr', 400],
      [`/lang?to=${op}`, 400],
      // Methods a route does not have, with a body that would be an operator or huge.
      [
        '/api/v1/stories?fy=2564',
        405,
        { method: 'POST', body: JSON.stringify({ title: { $gt: '' } }) },
      ],
      [`/api/v1/stories/${fx.plainStoryId}`, 405, { method: 'DELETE' }],
      [`/api/v1/stories/${fx.plainStoryId}`, 405, { method: 'PUT', body: 'x'.repeat(2_000_000) }],
      ['/api/export/stories?format=csv', 405, { method: 'POST', body: OPERATOR }],
    ];
    const before = await storeSnapshot();
    for (const [path, status, init] of cases) {
      const res = await fetch(`${dashboard.url}${path}`, {
        ...init,
        headers: { cookie: viewerCookie, origin: dashboard.url },
        redirect: 'manual',
      });
      const text = await res.text();
      expect(res.status, path).toBe(status);
      if (status === 200)
        expect((JSON.parse(text) as { project: { slug: string } }).project.slug).toBe(
          'infographics',
        );
      else if (status !== 405) {
        const message = res.headers.get('content-type')?.includes('json')
          ? (JSON.parse(text) as { error: string }).error
          : text;
        expectOneSentence(message, path);
      }
    }
    // Credentials that are operators or garbage: 401 with one sentence.
    const credentials: Record<string, string>[] = [
      { authorization: `Bearer ${OPERATOR}` },
      { authorization: 'Bearer ' + 'A'.repeat(5000) },
      { authorization: 'Basic YWRtaW46YWRtaW4=' },
      { cookie: `reachline_session=${encodeURIComponent(OPERATOR)}` },
      { cookie: `reachline_session=${'a'.repeat(5000)}` },
      { cookie: 'reachline_session=%E0%A4%A' },
    ];
    for (const headers of credentials) {
      const res = await fetch(`${dashboard.url}/api/v1/stories?fy=2564`, { headers });
      expect(res.status, JSON.stringify(headers).slice(0, 60)).toBe(401);
      expectOneSentence(((await res.json()) as { error: string }).error, 'credentials');
    }
    // A sign-in return path to another site is ignored.
    const lang = await fetch(`${dashboard.url}/lang?to=en&back=//evil.test/x`, {
      redirect: 'manual',
    });
    expect(lang.headers.get('location')).toBe('/');
    expect(await storeSnapshot()).toBe(before);
    console.log(
      `[bad input] route handlers: ${cases.length + credentials.length + 1} bad requests (${cases.filter((c) => c[1] === 200).length} operator-named parameters ignored, the rest a 4xx with one sentence), store unchanged`,
    );
  });
});

interface ActionCase {
  label: string;
  context: () => BrowserContext;
  path: () => string;
  /** The form (CSS selector) and its answer element (CSS selector, inside the page). */
  form: string;
  answer: string;
  /** Fields typed first, as a person would. */
  fill?: Record<string, string>;
  /** Then tampered: a new value, or null to remove the field. */
  tamper: Record<string, string | null>;
  expected: string;
}

/** What each case's form sent (for the failure message). */
const sent = new Map<string, string>();

/** The little of a form element the tampering uses (the tests have no DOM types). */
interface FormInPage {
  querySelectorAll(selector: string): Iterable<{ removeAttribute(name: string): void }>;
  ownerDocument: { createElement(tag: 'input'): { type: string; name: string; value: string } };
  appendChild(node: unknown): void;
  closest(selector: string): { open: boolean } | null;
}

/** Runs in the page: renames each field away and appends a hidden input with the new value. */
function tamper(element: unknown, changes: Record<string, string | null>): void {
  const form = element as FormInPage;
  const details = form.closest('details');
  if (details) details.open = true; // a form folded away (reset password) is opened, as a person would
  for (const [name, value] of Object.entries(changes)) {
    for (const field of form.querySelectorAll(`[name="${name}"]`))
      for (const a of ['name', 'required', 'minlength', 'maxlength']) field.removeAttribute(a);
    if (value === null) continue;
    const hidden = form.ownerDocument.createElement('input');
    hidden.type = 'hidden';
    hidden.name = name;
    hidden.value = value;
    form.appendChild(hidden);
  }
}

/** Fills, tampers (the original field is renamed away, a hidden one carries the value) and submits. */
async function submitTampered(page: Page, c: ActionCase): Promise<string> {
  await page.goto(`${dashboard.url}${c.path()}`);
  const form = page.locator(c.form).first();
  await form.waitFor({ state: 'attached' });
  // Hydrated (AdminForm marks itself; other forms are ready when the page's scripts have run).
  await page.waitForLoadState('networkidle');
  for (const [name, value] of Object.entries(c.fill ?? {}))
    await form.locator(`[name="${name}"]`).first().fill(value);
  await form.evaluate(tamper, c.tamper);
  const answered = page.waitForResponse((r) => r.request().headers()['next-action'] !== undefined, {
    timeout: 60_000,
  });
  await form.locator('button[type="submit"]').last().click();
  const response = await answered.catch(() => {
    throw new Error(`${c.label}: the form sent no server action`);
  });
  sent.set(c.label, response.request().postData()?.slice(0, 400) ?? '');
  const answer = page.locator(c.answer).first();
  await answer.waitFor({ timeout: 30_000 });
  return ((await answer.textContent()) ?? '').trim();
}

describe('server actions', { timeout: 600_000 }, () => {
  it('refuse tampered forms with one sentence and change nothing', async () => {
    const adm = () => admin;
    const edt = () => editor;
    const huge = 'x'.repeat(300_000);
    const userRow = (email: string, kind: string) => `[data-testid="${kind}-${email}"]`;
    const rowAnswer = (email: string, kind: string) => `[data-testid="${kind}-${email}-answer"]`;
    const cases: ActionCase[] = [
      {
        label: 'createUser email operator',
        context: adm,
        path: () => '/admin/users',
        form: '[data-testid="user-create"]',
        answer: '[data-testid="user-create-answer"]',
        fill: { displayName: 'X', password: 'a long enough password' },
        tamper: { email: OPERATOR },
        expected: th('adminErrEmail'),
      },
      {
        label: 'createUser role operator',
        context: adm,
        path: () => '/admin/users',
        form: '[data-testid="user-create"]',
        answer: '[data-testid="user-create-answer"]',
        fill: { email: 'new@reachline.test', displayName: 'X', password: 'a long enough password' },
        tamper: { role: OPERATOR },
        expected: th('adminErrRole'),
      },
      {
        label: 'createUser role missing',
        context: adm,
        path: () => '/admin/users',
        form: '[data-testid="user-create"]',
        answer: '[data-testid="user-create-answer"]',
        fill: { email: 'new@reachline.test', displayName: 'X', password: 'a long enough password' },
        tamper: { role: null },
        expected: th('adminErrRole'),
      },
      {
        label: 'createUser name huge',
        context: adm,
        path: () => '/admin/users',
        form: '[data-testid="user-create"]',
        answer: '[data-testid="user-create-answer"]',
        fill: { email: 'new@reachline.test', password: 'a long enough password' },
        tamper: { displayName: huge },
        expected: th('adminErrDisplayName'),
      },
      {
        label: 'changeRole userId operator',
        context: adm,
        path: () => '/admin/users',
        form: userRow(VIEWER.email, 'role'),
        answer: rowAnswer(VIEWER.email, 'role'),
        tamper: { userId: OPERATOR, role: 'admin' },
        expected: th('adminErrUser'),
      },
      {
        label: 'changeRole unknown userId',
        context: adm,
        path: () => '/admin/users',
        form: userRow(VIEWER.email, 'role'),
        answer: rowAnswer(VIEWER.email, 'role'),
        tamper: { userId: NO_SUCH_ID, role: 'admin' },
        expected: th('adminErrUser'),
      },
      {
        label: 'changeRole role operator',
        context: adm,
        path: () => '/admin/users',
        form: userRow(VIEWER.email, 'role'),
        answer: rowAnswer(VIEWER.email, 'role'),
        tamper: { role: OPERATOR },
        expected: th('adminErrRole'),
      },
      {
        label: 'setDisabled userId missing',
        context: adm,
        path: () => '/admin/users',
        form: userRow(VIEWER.email, 'disable'),
        answer: rowAnswer(VIEWER.email, 'disable'),
        tamper: { userId: null },
        expected: th('adminErrUser'),
      },
      {
        label: 'endSessions userId operator',
        context: adm,
        path: () => '/admin/users',
        form: userRow(VIEWER.email, 'signout'),
        answer: rowAnswer(VIEWER.email, 'signout'),
        tamper: { userId: '{"$ne":null}' },
        expected: th('adminErrUser'),
      },
      {
        label: 'resetPassword userId invalid',
        context: adm,
        path: () => '/admin/users',
        form: userRow(VIEWER.email, 'password'),
        answer: rowAnswer(VIEWER.email, 'password'),
        tamper: { userId: 'zzzzzzzzzzzzzzzzzzzzzzzz', password: 'a long enough password' },
        expected: th('adminErrUser'),
      },
      {
        label: 'saveAccount platform unknown',
        context: adm,
        path: () => '/admin/accounts',
        form: '[data-testid="account-add"]',
        answer: '[data-testid="account-add-answer"]',
        fill: { externalId: 'page-1', displayName: 'Page', token: 'a-token-of-some-length' },
        tamper: { platform: 'myspace' },
        expected: th('adminErrPlatform'),
      },
      {
        label: 'saveAccount externalId operator with space',
        context: adm,
        path: () => '/admin/accounts',
        form: '[data-testid="account-add"]',
        answer: '[data-testid="account-add-answer"]',
        fill: { displayName: 'Page', token: 'a-token-of-some-length' },
        tamper: { externalId: '{"$gt": ""}' },
        expected: th('adminErrAccountId'),
      },
      {
        label: 'createApiToken name missing',
        context: adm,
        path: () => '/admin/tokens',
        form: '[data-testid="token-create"]',
        answer: '[data-testid="token-create-answer"]',
        tamper: { name: null },
        expected: th('adminErrTokenName'),
      },
      {
        label: 'addProject slug operator',
        context: adm,
        path: () => '/admin/projects',
        form: '[data-testid="project-add"]',
        answer: '[data-testid="project-add-answer"]',
        fill: { name: 'P' },
        tamper: { slug: OPERATOR, order: '0' },
        expected: th('adminErrSlug'),
      },
      {
        label: 'addProject order not a number',
        context: adm,
        path: () => '/admin/projects',
        form: '[data-testid="project-add"]',
        answer: '[data-testid="project-add-answer"]',
        fill: { slug: 'new-project', name: 'P' },
        tamper: { order: '1e3' },
        expected: th('adminErrOrder'),
      },
      {
        label: 'saveYear fiscalYear operator',
        context: adm,
        path: () => '/admin/projects/infographics?fy=2564',
        form: '[data-testid="year-settings"]',
        answer: '[data-testid="year-settings-answer"]',
        tamper: { fiscalYear: OPERATOR },
        expected: th('adminErrFiscalYear'),
      },
      {
        label: 'saveYear threshold negative',
        context: adm,
        path: () => '/admin/projects/infographics?fy=2564',
        form: '[data-testid="year-settings"]',
        answer: '[data-testid="year-settings-answer"]',
        tamper: { threshold: '-5' },
        expected: th('adminErrThreshold'),
      },
      {
        label: 'saveYear projectSlug unknown',
        context: adm,
        path: () => '/admin/projects/infographics?fy=2564',
        form: '[data-testid="year-settings"]',
        answer: '[data-testid="year-settings-answer"]',
        tamper: { projectSlug: 'no-such-project' },
        expected: th('adminErrYearMissing'),
      },
      {
        label: 'saveReport id operator',
        context: edt,
        path: () => `/reports?fy=2564&month=${fx.monthKey}`,
        form: 'form:has(#report-text)',
        answer: '[data-testid="report-outcome"]',
        tamper: { id: OPERATOR },
        expected: 'The report id is missing or malformed.',
      },
      {
        label: 'saveReport progress not a number',
        context: edt,
        path: () => `/reports?fy=2564&month=${fx.monthKey}`,
        form: 'form:has(#report-text)',
        answer: '[data-testid="report-outcome"]',
        tamper: { progress: '{"$gt":0}' },
        expected: 'Progress must be a number from 0 to 100 with at most two decimals.',
      },
      {
        label: 'saveReport problems huge',
        context: edt,
        path: () => `/reports?fy=2564&month=${fx.monthKey}`,
        form: 'form:has(#report-text)',
        answer: '[data-testid="report-outcome"]',
        tamper: { problems: huge },
        expected: 'The problems text must be 1 to 5,000 characters (write ไม่มี for none).',
      },
      {
        label: 'manualReach postId operator',
        context: edt,
        path: () => `/stories/${fx.plainStoryId}`,
        form: '[data-testid="manual-form"]',
        answer: '[data-testid="edit-error"]',
        fill: { reach: '100' },
        tamper: { postId: OPERATOR },
        expected: th('storyPageErrPost'),
      },
      {
        label: 'manualReach storyId unknown',
        context: edt,
        path: () => `/stories/${fx.plainStoryId}`,
        form: '[data-testid="manual-form"]',
        answer: '[data-testid="edit-error"]',
        fill: { reach: '100' },
        tamper: { storyId: NO_SUCH_ID },
        expected: th('storyPageErrPost'),
      },
      {
        label: 'manualReach reach exponent',
        context: edt,
        path: () => `/stories/${fx.plainStoryId}`,
        form: '[data-testid="manual-form"]',
        answer: '[data-testid="edit-error"]',
        tamper: { reach: '1e9' },
        expected: th('storyPageErrReach'),
      },
      {
        label: 'manualReach date invalid',
        context: edt,
        path: () => `/stories/${fx.plainStoryId}`,
        form: '[data-testid="manual-form"]',
        answer: '[data-testid="edit-error"]',
        fill: { reach: '100' },
        tamper: { at: '2021-02-31T10:00' },
        expected: th('storyPageErrAt'),
      },
      {
        label: 'setCount choice operator',
        context: edt,
        path: () => `/stories/${fx.plainStoryId}`,
        form: '[data-testid="count-form"]',
        answer: '[data-testid="edit-error"]',
        tamper: { count: OPERATOR },
        expected: th('storyPageErrCount'),
      },
      {
        label: 'move target unknown story',
        context: edt,
        path: () => `/stories/${fx.plainStoryId}`,
        form: '[data-testid="move-form"]',
        answer: '[data-testid="edit-error"]',
        tamper: { targetId: NO_SUCH_ID },
        expected: th('storyPageErr_storyNotFound'),
      },
      {
        label: 'move target operator',
        context: edt,
        path: () => `/stories/${fx.plainStoryId}`,
        form: '[data-testid="move-form"]',
        answer: '[data-testid="edit-error"]',
        tamper: { targetId: OPERATOR, target: null },
        expected: th('storyPageErrTarget'),
      },
    ];
    const before = await storeSnapshot();
    const pages = new Map<BrowserContext, Page>();
    for (const c of cases) {
      const context = c.context();
      if (!pages.has(context)) pages.set(context, await context.newPage());
      const text = await submitTampered(pages.get(context)!, c);
      expect(text, `${c.label}, sent ${sent.get(c.label)}`).toBe(c.expected);
      expectOneSentence(text, c.label);
    }
    expect(await storeSnapshot()).toBe(before);
    console.log(
      `[bad input] server actions: ${cases.length} tampered submissions refused, store unchanged`,
    );
  });

  it('sign-in with operators, missing fields and a huge password changes nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const base: Omit<ActionCase, 'label' | 'tamper' | 'expected'> = {
      context: () => context,
      path: () => '/login',
      form: 'form.login-form',
      answer: '[data-testid="login-error"]',
      fill: { email: VIEWER.email, password: 'wrong password 1' },
    };
    const cases: ActionCase[] = [
      {
        ...base,
        label: 'email operator',
        tamper: { email: OPERATOR },
        expected: th('loginFailed'),
      },
      { ...base, label: 'email missing', tamper: { email: null }, expected: th('loginMissing') },
      {
        ...base,
        label: 'password missing',
        tamper: { password: null },
        expected: th('loginMissing'),
      },
      {
        ...base,
        label: 'password huge',
        tamper: { password: 'p'.repeat(100_000) },
        expected: th('loginFailed'),
      },
    ];
    const before = await storeSnapshot();
    try {
      for (const c of cases) {
        const text = await submitTampered(page, c);
        expect(text, `${c.label}, sent ${sent.get(c.label)}`).toBe(c.expected);
      }
    } finally {
      await context.close();
    }
    expect(await storeSnapshot()).toBe(before);
    console.log(`[bad input] sign-in: ${cases.length} tampered submissions refused`);
  });

  it('an oversize body (2 MB, over the 1 MB server-action limit) gets one sentence, not a crash', async () => {
    const page = await editor.newPage();
    const before = await storeSnapshot();
    await page.goto(`${dashboard.url}/reports?fy=2564&month=${fx.monthKey}`);
    await page.waitForLoadState('networkidle');
    await page.locator('textarea[name="text"]').evaluate((el) => {
      (el as unknown as { value: string }).value = 'x'.repeat(2_000_000);
    });
    const answered = page.waitForResponse(
      (r) => r.request().headers()['next-action'] !== undefined,
    );
    await page.locator('form:has(input[name="progress"]) button[type="submit"]').click();
    const res = await answered;
    expect(res.status()).toBeGreaterThanOrEqual(400);
    const alert = page.getByRole('alert').first();
    await alert.waitFor({ timeout: 30_000 });
    const text = (await alert.textContent()) ?? '';
    expectOneSentence(text, 'oversize');
    expect(await page.content()).not.toMatch(/Application error|client-side exception/);
    expect(await storeSnapshot()).toBe(before);
    await page.close();
    console.log(`[bad input] oversize action body: status ${res.status()}, shown: ${text}`);
  });
});
