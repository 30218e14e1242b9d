/**
 * The admin area end to end: the dashboard's production server on FY2564 harvested by the real
 * collector, driven as the test admin in Chromium (users, accounts, yearly settings, API tokens,
 * operations), then as a viewer and an editor, who must be refused every admin page, server
 * action and route while the store stays exactly as it was.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { accountObjectId, type ReachlineModels } from '@reachline/shared/models';
import { openAccountToken } from '@reachline/shared/store';
import { encryptToken } from '@reachline/shared/tokenCrypto';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
  ADMIN_PAGES,
} from '../helpers/dashboard';
import { fy2564ReportDates, harvestFy2564 } from '../helpers/harvestedYear';
import { useTestDatabase } from '../helpers/services';

const artifacts = resolve(import.meta.dirname, '../../artifacts');

const db = useTestDatabase();
let collector: TestCollector;
let models: ReachlineModels;
let dashboard: RunningDashboard;
let browser: Browser;
let admin: BrowserContext;
let page: Page;
let bull: Redis;
const serverOutput: string[] = [];

const EDITOR = { email: 'editor@reachline.test', password: 'editor password 123' };
const VIEWER = { email: 'viewer@reachline.test', password: 'viewer password 123' };
const ACCOUNT_TOKEN = `EAAB${randomBytes(24).toString('hex')}`;

/** Server-action requests the admin's browser sent, by a label, to replay as other roles. */
interface CapturedAction {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}
const captured = new Map<string, CapturedAction>();
let capturing = '';
const BROKEN_JOB = 'discover-broken-account-test';

/**
 * Submits an AdminForm (once it is hydrated) and answers its alert's text, or '' when the form
 * went away because the page re-rendered without it (a revoked token, a created year).
 */
async function submit(form: string, label: string): Promise<string> {
  capturing = label;
  const locator = page.locator(`[data-testid="${form}"]`);
  await page.locator(`[data-testid="${form}"][data-ready="true"]`).waitFor();
  const answer = page.getByTestId(`${form}-answer`);
  const read = async () =>
    (await locator.count()) === 0
      ? ''
      : (await answer.count()) > 0
        ? await answer.textContent()
        : null;
  const before = await read();
  await locator.getByRole('button').last().click();
  // bcrypt (cost 12) on a busy machine takes seconds.
  await expect.poll(read, { timeout: 30_000 }).not.toBe(before);
  capturing = '';
  return (await read()) ?? '';
}

const html = async (path: string, cookie: string) => {
  const res = await fetch(`${dashboard.url}${path}`, { headers: { cookie }, redirect: 'manual' });
  return { status: res.status, text: await res.text() };
};

/** The small collections an admin action can change, as plain JSON. */
async function storeSnapshot(): Promise<string> {
  const [users, accounts, projects, settings, tokens] = await Promise.all([
    models.User.find({}, { lastLoginAt: 0 }).sort({ email: 1 }).lean(),
    models.Account.find({}).sort({ externalId: 1 }).lean(),
    models.Project.find({}).sort({ slug: 1 }).lean(),
    models.KpiSettings.find({}).sort({ fiscalYear: 1 }).lean(),
    models.ApiToken.find({}, { lastUsedAt: 0 }).sort({ name: 1 }).lean(),
  ]);
  return JSON.stringify({ users, accounts, projects, settings, tokens });
}

beforeAll(async () => {
  collector = await harvestFy2564(db, { until: fy2564ReportDates()[0] });
  models = collector.models;
  // An account whose token was sealed with another key: its discovery fails for good, so the
  // operations page has a failed job with a reason (and no secret) to show and retry.
  const brokenId = accountObjectId('facebook', 'broken-page');
  await models.Account.create({
    _id: brokenId,
    platform: 'facebook',
    externalId: 'broken-page',
    displayName: 'Broken page',
    encryptedToken: encryptToken('old-token-value', randomBytes(32), {
      context: `account:${String(brokenId)}`,
    }),
  });
  await collector.runtime.pipeline.discoveryQueue.add(
    'discover',
    { accountId: String(brokenId) },
    { jobId: BROKEN_JOB, attempts: 1 },
  );
  await collector.runtime.pipeline.drain();

  dashboard = await startTestDashboard({
    MONGODB_URI: db.mongoUri,
    REDIS_URL: db.redisUrl,
    QUEUE_PREFIX: db.prefix,
    TOKEN_ENCRYPTION_KEY: collector.tokenKey,
  });
  dashboard.process.stdout?.on('data', (b: Buffer) => serverOutput.push(b.toString()));
  dashboard.process.stderr?.on('data', (b: Buffer) => serverOutput.push(b.toString()));
  browser = await launchBrowser();
  admin = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  page = await admin.newPage();
  page.on('request', (req) => {
    const headers = req.headers();
    if (!capturing || !headers['next-action'] || captured.has(capturing)) return;
    captured.set(capturing, {
      url: req.url(),
      headers,
      body: req.postDataBuffer() ?? Buffer.alloc(0),
    });
  });
  await signIn(page, dashboard.url);
  bull = new Redis(db.redisUrl, { maxRetriesPerRequest: null });
  mkdirSync(artifacts, { recursive: true });
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  await collector?.close();
  bull?.disconnect();
});

describe('admin pages as an admin', { timeout: 120_000 }, () => {
  it('creates an editor and a viewer on the Users page, and both can sign in', async () => {
    await page.goto(`${dashboard.url}/admin/users`);
    for (const [user, role, label] of [
      [EDITOR, 'editor', 'createUser'],
      [VIEWER, 'viewer', 'createUser2'],
    ] as const) {
      await page.getByLabel(/^(อีเมล|Email)$/).fill(user.email.toUpperCase());
      await page.getByLabel(/ชื่อที่แสดง|Display name/).fill(`The ${role}`);
      await page.locator('#new-role').selectOption(role);
      await page.getByLabel(/รหัสผ่านเริ่มต้น|Initial password/).fill(user.password);
      expect(await submit('user-create', label)).toContain(user.email);
      const stored = await models.User.findOne({ email: user.email }).lean();
      expect(stored).toMatchObject({ role, displayName: `The ${role}`, disabled: false });
      expect(stored?.passwordHash).toMatch(/^\$2[aby]\$12\$/);
    }
    // The same email twice is refused with one sentence, and no second user appears.
    await page.getByLabel(/^(อีเมล|Email)$/).fill(EDITOR.email);
    await page.getByLabel(/ชื่อที่แสดง|Display name/).fill('Again');
    await page.getByLabel(/รหัสผ่านเริ่มต้น|Initial password/).fill('another password 1');
    expect(await submit('user-create', 'createUserDup')).toBe('มีผู้ใช้ที่ใช้อีเมลนี้อยู่แล้ว');
    expect(await models.User.countDocuments({ email: EDITOR.email })).toBe(1);

    await page.reload();
    await expect.poll(() => page.locator(`tr[data-email="${VIEWER.email}"]`).count()).toBe(1);
    for (const user of [EDITOR, VIEWER]) {
      const cookie = await signInCookie(browser, dashboard.url, user);
      expect((await html('/', cookie)).status).toBe(200);
    }
  });

  it('refuses to demote the last active admin; disabling a user ends their sessions', async () => {
    await page.goto(`${dashboard.url}/admin/users`);
    const me = page.getByTestId(`role-${TEST_ADMIN.email}`);
    await me.locator('select').selectOption('viewer');
    expect(await submit(`role-${TEST_ADMIN.email}`, 'changeRole')).toBe(
      'ทำไม่ได้ เพราะนี่คือผู้ดูแลคนสุดท้ายที่ยังใช้งานได้',
    );
    expect((await models.User.findOne({ email: TEST_ADMIN.email }).lean())?.role).toBe('admin');
    expect(await submit(`disable-${TEST_ADMIN.email}`, 'setDisabled')).toBe(
      'ทำไม่ได้ เพราะนี่คือผู้ดูแลคนสุดท้ายที่ยังใช้งานได้',
    );

    const editorCookie = await signInCookie(browser, dashboard.url, EDITOR);
    const editor = await models.User.findOne({ email: EDITOR.email }).lean();
    expect(await models.Session.countDocuments({ userId: editor!._id })).toBeGreaterThan(0);
    expect(await submit(`disable-${EDITOR.email}`, 'disableEditor')).toContain(EDITOR.email);
    expect(await models.Session.countDocuments({ userId: editor!._id })).toBe(0);
    expect((await html('/', editorCookie)).status).toBe(307);
    await page.reload();
    expect(await submit(`disable-${EDITOR.email}`, 'enableEditor')).toContain(EDITOR.email);
    expect((await models.User.findById(editor!._id).lean())?.disabled).toBe(false);
  });

  it('adds an account whose token is stored sealed and never shown or logged', async () => {
    await page.goto(`${dashboard.url}/admin/accounts`);
    await page.locator('#acc-platform').selectOption('facebook');
    await page.getByLabel(/รหัสบัญชี|Account or page id/).fill('test-page-1');
    await page.getByLabel(/^(ชื่อบัญชี|Account name)$/).fill('Test page');
    const tokenInput = page.getByLabel(/โทเค็นการเข้าถึง|Access token/);
    expect(await tokenInput.getAttribute('type')).toBe('password');
    expect(await tokenInput.getAttribute('autocomplete')).toBe('off');
    await tokenInput.fill(ACCOUNT_TOKEN);
    expect(await submit('account-add', 'saveAccount')).toContain('Test page');

    const doc = await models.Account.findById(accountObjectId('facebook', 'test-page-1')).lean();
    expect(doc).toMatchObject({ displayName: 'Test page', tokenStatus: 'ok' });
    expect(doc!.encryptedToken).toMatch(/^v1:/);
    expect(doc!.encryptedToken).not.toContain(ACCOUNT_TOKEN);
    expect(
      openAccountToken({ _id: doc!._id, encryptedToken: doc!.encryptedToken! }, collector.tokenKey),
    ).toBe(ACCOUNT_TOKEN);

    expect(await tokenInput.inputValue()).toBe('');
    expect(await page.content()).not.toContain(ACCOUNT_TOKEN);
    await page.reload();
    expect(await page.locator('tr[data-account="facebook:test-page-1"]').count()).toBe(1);
    const cookie = await sessionCookie();
    for (const path of ['/admin/accounts', '/admin/operations'])
      expect((await html(path, cookie)).text).not.toContain(ACCOUNT_TOKEN);
    expect(serverOutput.join('')).not.toContain(ACCOUNT_TOKEN);

    // A bad field is refused with one sentence and changes nothing.
    const before = await storeSnapshot();
    await page.getByLabel(/รหัสบัญชี|Account or page id/).fill('test-page-2');
    await page.getByLabel(/^(ชื่อบัญชี|Account name)$/).fill('Second');
    await tokenInput.fill('has spaces in it');
    expect(await submit('account-add', 'saveAccountBad')).toBe(
      'โทเค็นต้องมี 8 ถึง 4,096 ตัวอักษรและไม่มีช่องว่าง',
    );
    expect(await storeSnapshot()).toBe(before);
  });

  it('edits a year: a bad template is refused with its message, a threshold change is saved', async () => {
    await page.goto(`${dashboard.url}/admin/projects/infographics?fy=2564`);
    const before = await models.KpiSettings.findOne({ fiscalYear: 2564 }).lean();
    expect(before?.threshold).toBe(3000);
    // What the form shows is what the collector stored for FY2564.
    expect(await page.getByLabel(/แฮชแท็ก|Hashtags/).inputValue()).toBe('อินโฟกราฟิกกทม');
    expect(await page.locator('input[name="countedPlatforms"][value="facebook"]').isChecked()).toBe(
      true,
    );

    await page.getByLabel(/เกณฑ์ยอดเข้าถึง|Reach threshold/).fill('3500');
    await page.getByLabel(/แม่แบบข้อความรายงาน|report text template/).fill('เดือน{monht} {items}');
    const refusal = await submit('year-settings', 'saveYearBad');
    expect(refusal).toContain('unknown placeholder {monht}');
    expect(await models.KpiSettings.findOne({ fiscalYear: 2564 }).lean()).toEqual(before);

    await page
      .getByLabel(/แม่แบบข้อความรายงาน|report text template/)
      .fill('เดือน{month} {year} จำนวน {count} ครั้ง ดังนี้ {items}');
    expect(await submit('year-settings', 'saveYear')).toBe('บันทึกค่าตั้งปีงบประมาณ 2564 แล้ว');
    const after = await models.KpiSettings.findOne({ fiscalYear: 2564 }).lean();
    expect(after).toMatchObject({
      threshold: 3500,
      reportTemplate: 'เดือน{month} {year} จำนวน {count} ครั้ง ดังนี้ {items}',
      countedPlatforms: ['facebook'],
      infographicRule: { hashtags: ['อินโฟกราฟิกกทม'] },
    });

    // A new year copies the previous year's settings.
    await page.goto(`${dashboard.url}/admin/projects/infographics?fy=2565`);
    // Once created, the page shows the year's settings form in place of the create button.
    await submit('year-create', 'createYear');
    await page.getByTestId('year-settings').waitFor();
    expect(await models.KpiSettings.findOne({ fiscalYear: 2565 }).lean()).toMatchObject({
      threshold: 3500,
      countedPlatforms: ['facebook'],
      infographicRule: { hashtags: ['อินโฟกราฟิกกทม'] },
    });
  });

  it('adds a project', async () => {
    await page.goto(`${dashboard.url}/admin/projects`);
    await page.getByLabel(/ชื่อย่อ|Short name/).fill('video-clips');
    await page.getByLabel(/^(ชื่อภาษาไทย|Thai name)$/).fill('คลิปวิดีโอ');
    await page.getByLabel(/^(ชื่อภาษาอังกฤษ|English name)$/).fill('Video clips');
    expect(await submit('project-add', 'addProject')).toContain('คลิปวิดีโอ');
    expect(await models.Project.findOne({ slug: 'video-clips' }).lean()).toMatchObject({
      name: 'คลิปวิดีโอ',
      nameEn: 'Video clips',
      order: 1,
    });
  });

  it('creates an API token shown once; it is read-only (admin routes 403) until revoked (401)', async () => {
    await page.goto(`${dashboard.url}/admin/tokens`);
    await page.getByLabel(/ชื่อโทเค็น|Token name/).fill('planning office');
    await submit('token-create', 'createApiToken');
    const token = (await page.getByTestId('new-secret').textContent()) ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const id = createHash('sha256').update(token).digest('hex');
    expect(await models.ApiToken.findById(id).lean()).toMatchObject({
      name: 'planning office',
      prefix: token.slice(0, 8),
      revoked: false,
    });
    await page.reload();
    expect(await page.content()).not.toContain(token);
    expect(await page.locator('tr[data-token-name="planning office"]').textContent()).toContain(
      token.slice(0, 8),
    );

    const bearer = { authorization: `Bearer ${token}` };
    const asToken = await fetch(`${dashboard.url}/api/admin/operations`, { headers: bearer });
    expect(asToken.status).toBe(403);
    expect(await asToken.json()).toEqual({
      error: 'API tokens are read-only: sign in as an editor or admin for this.',
    });
    const asAdmin = await fetch(`${dashboard.url}/api/admin/operations`, {
      headers: { cookie: await sessionCookie() },
    });
    expect(asAdmin.status).toBe(200);

    await page.locator('tr[data-token-name="planning office"] summary').click();
    await submit('revoke-planning office', 'revokeApiToken');
    await expect
      .poll(() => page.locator('tr[data-token-name="planning office"]').textContent())
      .toContain('ถูกเพิกถอน');
    expect((await models.ApiToken.findById(id).lean())?.revoked).toBe(true);
    const revoked = await fetch(`${dashboard.url}/api/admin/operations`, { headers: bearer });
    expect(revoked.status).toBe(401);
  });

  it('shows the queue counts BullMQ reports, the failed job with its reason, and retries it', async () => {
    const states = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
    const expected: Record<string, Record<string, number>> = {};
    for (const name of ['harvest', 'discovery']) {
      const queue = new Queue(name, { connection: bull, prefix: db.prefix });
      expected[name] = await queue.getJobCounts(...states);
      await queue.close();
    }
    expect(expected.harvest!.completed).toBeGreaterThan(0);
    expect(expected.discovery!.failed).toBe(1);

    await page.goto(`${dashboard.url}/admin/operations`);
    for (const name of ['harvest', 'discovery']) {
      for (const state of states) {
        const cell = page.locator(`tr[data-queue="${name}"] td[data-count="${state}"]`);
        expect(Number(await cell.getAttribute('data-value')), `${name} ${state}`).toBe(
          expected[name]![state],
        );
      }
    }
    const failedRow = page.locator(`tr[data-job="${BROKEN_JOB}"]`);
    expect(await failedRow.textContent()).toContain('failed authentication');
    expect(await page.locator('[data-testid="harvest-runs"] tbody tr').count()).toBeGreaterThan(0);
    expect(
      await page
        .locator('[data-testid="token-states"] tr[data-account="facebook:test-page-1"]')
        .count(),
    ).toBe(1);

    const queue = new Queue('discovery', { connection: bull, prefix: db.prefix });
    try {
      const first = (await Job.fromId(queue, BROKEN_JOB))!;
      const processedOn = first.processedOn ?? 0;
      capturing = 'retryJob';
      await page.locator(`[data-testid="retry-${BROKEN_JOB}"][data-ready="true"]`).waitFor();
      await page.getByTestId(`retry-${BROKEN_JOB}`).getByRole('button').click();
      await page.waitForURL(/retried=/);
      capturing = '';
      expect(await page.getByTestId('job-retried').textContent()).toContain(BROKEN_JOB);
      // The collector's worker runs it again; it fails again for the same reason.
      await expect
        .poll(async () => {
          const job = await Job.fromId(queue, BROKEN_JOB);
          return job && (job.processedOn ?? 0) > processedOn && (await job.isFailed());
        })
        .toBe(true);
    } finally {
      await queue.close();
    }
  });

  it('passes axe on every admin page, with screenshots (one 360 px wide)', async () => {
    const names: Record<string, string> = {
      '/admin': 'admin-index',
      '/admin/users': 'admin-users',
      '/admin/accounts': 'admin-accounts',
      '/admin/projects': 'admin-projects',
      '/admin/projects/infographics?fy=2564': 'admin-project-year',
      '/admin/tokens': 'admin-tokens',
      '/admin/operations': 'admin-operations',
    };
    for (const path of ADMIN_PAGES) {
      await page.goto(`${dashboard.url}${path}`);
      expect(await seriousAxeViolations(page), path).toEqual([]);
      await page.screenshot({ path: resolve(artifacts, `${names[path]}.png`), fullPage: true });
    }
    const phone = await admin.newPage();
    try {
      await phone.setViewportSize({ width: 360, height: 780 });
      await phone.goto(`${dashboard.url}/admin/projects/infographics?fy=2564`);
      const overflow = await phone.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await phone.screenshot({ path: resolve(artifacts, 'admin-360.png'), fullPage: true });
    } finally {
      await phone.close();
    }
  });
});

describe('admin pages refuse other roles', { timeout: 120_000 }, () => {
  it.each([
    ['viewer', VIEWER],
    ['editor', EDITOR],
  ])(
    'a %s gets 403 on every admin page, action and route, and nothing changes',
    async (_role, user) => {
      const cookie = await signInCookie(browser, dashboard.url, user);
      for (const path of ADMIN_PAGES) {
        const res = await html(path, cookie);
        expect(res.status, path).toBe(403);
        expect(res.text, path).toContain('ไม่มีสิทธิ์เข้าถึง'); // the forbidden page's title
      }
      const api = await fetch(`${dashboard.url}/api/admin/operations`, { headers: { cookie } });
      expect(api.status).toBe(403);

      const before = await storeSnapshot();
      const queue = new Queue('discovery', { connection: bull, prefix: db.prefix });
      const jobBefore = (await Job.fromId(queue, BROKEN_JOB))?.processedOn;
      expect(captured.size).toBeGreaterThanOrEqual(12);
      // The replay reaches the action: as the admin, the captured bad account is answered (200)
      // with its refusal, so the 403s below are the role check, not a broken replay.
      const control = captured.get('saveAccountBad')!;
      const asAdmin = await fetch(control.url, {
        method: 'POST',
        headers: { ...control.headers, cookie: await sessionCookie(), origin: dashboard.url },
        body: control.body,
      });
      expect(asAdmin.status).toBe(200);
      expect(await asAdmin.text()).toContain('โทเค็นต้องมี 8 ถึง 4,096 ตัวอักษรและไม่มีช่องว่าง');
      for (const [label, action] of captured) {
        const res = await fetch(action.url, {
          method: 'POST',
          headers: {
            ...action.headers,
            cookie,
            origin: dashboard.url,
          },
          body: action.body,
          redirect: 'manual',
        });
        expect(res.status, label).toBe(403);
        await res.arrayBuffer();
      }
      await new Promise((r) => setTimeout(r, 500)); // a retried job would be picked up by now
      expect(await storeSnapshot()).toBe(before);
      expect((await Job.fromId(queue, BROKEN_JOB))?.processedOn).toBe(jobBefore);
      expect(await (await Job.fromId(queue, BROKEN_JOB))?.isFailed()).toBe(true);
      await queue.close();
    },
  );
});

async function sessionCookie(): Promise<string> {
  const cookies = await admin.cookies();
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}
