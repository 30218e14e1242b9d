/**
 * The story page over data the collector harvested (FY2564 to 2021-04-29, then May discovered but
 * not yet harvested), in the production server and headless Chromium: the chart with the 3,000
 * line, the readings table against the store, and the editors' actions (a manual number, a post
 * out of the count surviving the next harvest, split and group back) with the figures following;
 * a viewer sees no edit controls and a viewer's replayed action is refused.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  kpiFiguresId,
  manualSnapshotBucket,
  snapshotId,
  type StoryDoc,
  type StoryMember,
} from '@reachline/shared/models';
import { setCountOverride } from '@reachline/shared/store';
import bcrypt from 'bcryptjs';
import { Types } from 'mongoose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  type RunningDashboard,
  signIn,
  signInCookie,
  startTestDashboard,
  seriousAxeViolations,
} from '../helpers/dashboard';
import { bangkokNoon, harvestFy2564 } from '../helpers/harvestedYear';
import type { TestCollector } from '../helpers/collector';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
let c: TestCollector;
let dashboard: RunningDashboard;
let browser: Browser;
const EDITOR = { email: 'editor@reachline.test', password: 'an editor password, long enough' };
const VIEWER = { email: 'viewer@reachline.test', password: 'a viewer password, long enough' };
const artifacts = resolve(import.meta.dirname, '../../artifacts');

/** A harvested April story that passed on Facebook and has a cross-post. */
let story: StoryDoc;
let facebookPostId: string;
let crossPostId: string;

const membersOf = (s: Pick<StoryDoc, 'members'>) =>
  s.members as unknown as Record<string, StoryMember>;
const storyOf = async (id: string | Types.ObjectId) => c.models.Story.findById(id).lean();
const figures = async () => (await c.models.KpiFigures.findById(kpiFiguresId(2564)).lean())!;

/** "2021-05-30T11:00" for an instant, in Bangkok time (a datetime-local value). */
const bangkokLocal = (at: Date) =>
  new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 16);

async function editorPage(width = 1200): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await signIn(page, dashboard.url, EDITOR);
  return page;
}

beforeAll(async () => {
  c = await harvestFy2564(db, { until: '2021-04-29' });
  // May's posts are found but not harvested yet: they have no number, as a post no API reaches.
  await c.setTime(bangkokNoon('2021-05-30'));
  await c.discover();
  for (const [user, role] of [
    [EDITOR, 'editor'],
    [VIEWER, 'viewer'],
  ] as const) {
    await c.models.User.create({
      email: user.email,
      passwordHash: await bcrypt.hash(user.password, 4),
      role,
      displayName: role,
    });
  }
  const april = await c.models.Story.find({ 'period.monthKey': '2021-04' }).lean();
  story = april.find((s) => {
    const m = Object.values(membersOf(s));
    return s.passed && m.length >= 2 && m.some((x) => x.platform === 'facebook');
  })!;
  expect(story).toBeDefined();
  const entries = Object.entries(membersOf(story));
  facebookPostId = entries.find(([, m]) => m.platform === 'facebook')![0];
  crossPostId = entries.find(([, m]) => m.platform !== 'facebook')![0];
  dashboard = await startTestDashboard({
    MONGODB_URI: db.mongoUri,
    REDIS_URL: db.redisUrl,
    QUEUE_PREFIX: db.prefix,
  });
  browser = await launchBrowser();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  await c?.close();
});

describe('story page', () => {
  it('shows a harvested story: chart with the 3,000 line, readings equal to the store', async () => {
    const page = await editorPage();
    try {
      await page.goto(`${dashboard.url}/stories/${String(story._id)}`);
      const chart = page.getByTestId('reach-chart');
      await chart.locator('svg').first().waitFor();
      // The threshold marker: its dashed line and its legend inside the chart's SVG.
      expect(await chart.locator('svg text', { hasText: 'เกณฑ์ 3,000' }).count()).toBe(1);
      expect(await chart.locator('svg line[style*="stroke-dasharray"]').count()).toBeGreaterThan(0);
      const stored = (await storyOf(story._id))!;
      expect(await page.getByTestId('story-reach').getAttribute('data-reach')).toBe(
        String(stored.reach),
      );
      const newestFacebook = page
        .getByTestId(`post-${facebookPostId}`)
        .getByTestId('snapshot-row')
        .first();
      expect(await newestFacebook.getAttribute('data-reach')).toBe(String(stored.reach));
      expect(await newestFacebook.getAttribute('data-source')).toBe('api');
      // Which metric each number is, and which platforms make the story's reach.
      const rule = await page.getByTestId('story-rule').textContent();
      expect(rule).toContain('Facebook (post_total_media_view_unique)');
      expect(await page.getByTestId('posts-table').textContent()).toContain(
        'post_total_media_view_unique',
      );
      expect(await page.getByTestId('chart-caption').textContent()).toContain('Facebook');
      expect(await seriousAxeViolations(page)).toEqual([]);
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: resolve(artifacts, 'story.png'), fullPage: true });

      await page.setViewportSize({ width: 360, height: 780 });
      await page.reload();
      await chart.locator('svg').first().waitFor();
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: resolve(artifacts, 'story-phone.png'), fullPage: true });
    } finally {
      await page.context().close();
    }
  });

  it('takes a manual number for a post with none; bad numbers are refused and change nothing', async () => {
    const may = await c.models.Story.find({ 'period.monthKey': '2021-05' }).lean();
    const target = may.find((s) =>
      Object.values(membersOf(s)).some((m) => m.reach === null && m.platform !== 'facebook'),
    )!;
    expect(target).toBeDefined();
    const postId = Object.entries(membersOf(target)).find(
      ([, m]) => m.reach === null && m.platform !== 'facebook',
    )![0];
    const post = (await c.models.Post.findById(postId).lean())!;
    expect(post.latestReach).toBeNull();
    const at = new Date(Math.ceil((post.publishedAt.getTime() + 60_000) / 60_000) * 60_000);

    const page = await editorPage();
    try {
      await page.goto(`${dashboard.url}/stories/${String(target._id)}`);
      const form = page.getByTestId(`post-${postId}`).getByTestId('manual-form');
      for (const bad of ['-5', 'abc', '1e99']) {
        await form.getByLabel('ยอดการเข้าถึง (คน)').fill(bad);
        await form.getByRole('button', { name: 'บันทึกยอด' }).click();
        await expect
          .poll(() => form.getByTestId('edit-error').textContent())
          .toBe('กรอกยอดการเข้าถึงเป็นจำนวนเต็มตั้งแต่ 0 ถึง 10,000,000,000 คน เช่น 4321 หรือ 4,321');
        await page.reload();
      }
      expect((await c.models.Post.findById(postId).lean())!.latestReach).toBeNull();
      expect(await c.models.PostHistory.findById(postId).lean()).toBeNull();

      await form.getByLabel('ยอดการเข้าถึง (คน)').fill('4,321');
      await form.getByLabel(/อ่านค่าเมื่อ/).fill(bangkokLocal(at));
      await form.getByRole('button', { name: 'บันทึกยอด' }).click();
      await page.waitForURL(/done=manual/);
      const row = page.getByTestId(`post-${postId}`).getByTestId('snapshot-row').first();
      expect(await row.getAttribute('data-source')).toBe('manual');
      expect(await row.getAttribute('data-reach')).toBe('4321');
      const snapshot = await c.models.ReachSnapshot.findById(
        snapshotId(post._id, manualSnapshotBucket(at)),
      ).lean();
      expect(snapshot).toMatchObject({ source: 'manual', reach: 4321 });
      expect((await c.models.Post.findById(postId).lean())!.latestReachSource).toBe('manual');

      // A number for a post the API already reaches is kept, but the API's number stands.
      const harvested = (await c.models.Post.findById(facebookPostId).lean())!;
      await page.goto(`${dashboard.url}/stories/${String(story._id)}`);
      const other = page.getByTestId(`post-${facebookPostId}`).getByTestId('manual-form');
      await other.getByLabel('ยอดการเข้าถึง (คน)').fill('5');
      await other.getByRole('button', { name: 'บันทึกยอด' }).click();
      await page.waitForURL(/done=manualKept/);
      const after = (await c.models.Post.findById(facebookPostId).lean())!;
      expect(after).toMatchObject({ latestReach: harvested.latestReach, latestReachSource: 'api' });
      expect((await storyOf(story._id))!.reach).toBe(story.reach);
    } finally {
      await page.context().close();
    }
  });

  it('marks a post out of the count: reach, passed and the year follow, and a harvest keeps it', async () => {
    const before = await figures();
    const page = await editorPage();
    try {
      const url = `${dashboard.url}/stories/${String(story._id)}`;
      // A second tab on the same story, left open: it must follow the change without a reload.
      const watcher = await editorPage();
      await watcher.goto(url);
      await expect
        .poll(() => watcher.getByTestId('live-status').getAttribute('data-state'))
        .toBe('live');
      await page.goto(url);
      const form = page.getByTestId(`post-${facebookPostId}`).getByTestId('count-form');
      await form.getByLabel('ไม่นับ', { exact: true }).check();
      await form.getByRole('button', { name: 'บันทึก', exact: true }).click();
      await page.waitForURL(/done=count/);
      expect(await page.getByTestId('story-reach').getAttribute('data-reach')).toBe('0');
      expect(await page.getByTestId('story-passed').getAttribute('data-passed')).toBe('false');
      let stored = (await storyOf(story._id))!;
      expect(stored).toMatchObject({ reach: 0, passed: false });
      expect(stored.crossedThresholdAt).toEqual(story.crossedThresholdAt);
      expect((await figures()).passed).toBe(before.passed - 1);
      await expect
        .poll(() => watcher.getByTestId('story-reach').getAttribute('data-reach'), {
          timeout: 5_000,
        })
        .toBe('0');
      await watcher.context().close();

      await c.step(); // the next harvest (2021-05-30) rolls the story up again
      stored = (await storyOf(story._id))!;
      expect(membersOf(stored)[facebookPostId]!.reach).toBeGreaterThan(0);
      expect(stored).toMatchObject({ reach: 0, passed: false });

      await page.goto(url);
      await form.getByLabel('ตามเกณฑ์ของปี', { exact: true }).check();
      await form.getByRole('button', { name: 'บันทึก', exact: true }).click();
      await page.waitForURL(/done=count/);
      stored = (await storyOf(story._id))!;
      expect(stored.reach).toBe(membersOf(stored)[facebookPostId]!.reach);
      expect(stored.passed).toBe(true);
      expect(await page.getByTestId('story-reach').getAttribute('data-reach')).toBe(
        String(stored.reach),
      );
      const all = await c.models.Story.find({ 'period.fiscalYear': 2564 }).lean();
      expect((await figures()).passed).toBe(all.filter((s) => s.passed).length);
    } finally {
      await page.context().close();
    }
  });

  it('splits a cross-post into its own story and groups it back, the figures following', async () => {
    const before = await figures();
    const page = await editorPage();
    try {
      await page.goto(`${dashboard.url}/stories/${String(story._id)}`);
      const move = page.getByTestId(`post-${crossPostId}`).getByTestId('move-form');
      await move.getByLabel('ย้ายไปที่').selectOption('own');
      await move.getByRole('button', { name: 'ย้าย' }).click();
      await page.waitForURL(/done=split/);
      const newId = new URL(page.url()).searchParams.get('new')!;
      expect(newId).toMatch(/^[0-9a-f]{24}$/);
      expect((await storyOf(newId))!.postIds.map(String)).toEqual([crossPostId]);
      expect((await storyOf(story._id))!.postIds.map(String)).not.toContain(crossPostId);
      expect((await figures()).published).toBe(before.published + 1);
      expect(await page.getByTestId(`post-${crossPostId}`).count()).toBe(0);

      await page.goto(`${dashboard.url}/stories/${newId}`);
      const back = page.getByTestId(`post-${crossPostId}`).getByTestId('move-form');
      await back.getByLabel(/รหัสเรื่องอื่น/).fill('not an id');
      await back.getByRole('button', { name: 'ย้าย' }).click();
      await expect
        .poll(() => back.getByTestId('edit-error').textContent())
        .toContain('กรอกรหัสเรื่อง 24 ตัวอักษร');
      expect((await figures()).published).toBe(before.published + 1);
      await back.getByLabel(/รหัสเรื่องอื่น/).fill(String(story._id));
      await back.getByRole('button', { name: 'ย้าย' }).click();
      await page.waitForURL(new RegExp(`/stories/${String(story._id)}\\?done=group`));
      expect(await storyOf(newId)).toBeNull();
      const whole = (await storyOf(story._id))!;
      expect(whole.postIds.map(String).sort()).toEqual(story.postIds.map(String).sort());
      expect(whole.passed).toBe(true);
      const after = await figures();
      expect(after.published).toBe(before.published);
      expect(after.passed).toBe(before.passed);
      expect(await page.getByTestId(`post-${crossPostId}`).count()).toBe(1);
    } finally {
      await page.context().close();
    }
  });

  it('shows a viewer no edit controls, and refuses a viewer who replays an editor action', async () => {
    const url = `${dashboard.url}/stories/${String(story._id)}`;
    const context = await browser.newContext();
    try {
      const viewer = await context.newPage();
      await signIn(viewer, dashboard.url, VIEWER);
      await viewer.goto(url);
      await viewer.getByTestId('reach-chart').locator('svg').first().waitFor();
      expect(await viewer.getByTestId('story-reach').count()).toBe(1);
      expect(await viewer.getByTestId('edit-controls').count()).toBe(0);
      expect(await viewer.locator('main form').count()).toBe(0);
      expect(await seriousAxeViolations(viewer)).toEqual([]);
    } finally {
      await context.close();
    }

    // An editor's "out of the count" request, captured before it reaches the server.
    const page = await editorPage();
    let captured: { headers: Record<string, string>; body: Buffer } | undefined;
    try {
      await page.route('**/stories/**', async (route) => {
        const request = route.request();
        if (request.method() !== 'POST') return route.continue();
        captured = { headers: await request.allHeaders(), body: request.postDataBuffer()! };
        return route.abort();
      });
      await page.goto(url);
      const form = page.getByTestId(`post-${facebookPostId}`).getByTestId('count-form');
      await form.getByLabel('ไม่นับ', { exact: true }).check();
      await form.getByRole('button', { name: 'บันทึก', exact: true }).click();
      await expect.poll(() => captured !== undefined).toBe(true);
    } finally {
      await page.context().close();
    }
    const replay = async (cookie: string) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(captured!.headers)) {
        if (k.startsWith(':') || ['host', 'content-length', 'connection', 'cookie'].includes(k))
          continue;
        headers[k] = v;
      }
      headers.cookie = cookie;
      headers.origin = dashboard.url;
      const res = await fetch(url, { method: 'POST', headers, body: captured!.body });
      await res.arrayBuffer();
      return res.status;
    };
    const viewerCookie = await signInCookie(browser, dashboard.url, VIEWER);
    for (const id of ['0123456789abcdef01234567', '%3Cscript%3E', 'x'.repeat(300)]) {
      const res = await fetch(`${dashboard.url}/stories/${id}`, {
        headers: { cookie: viewerCookie },
      });
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain('ไม่พบหน้านี้');
      expect(html).not.toMatch(/\n\s+at /);
    }
    const before = (await storyOf(story._id))!;
    expect(await replay(viewerCookie)).toBe(403);
    const untouched = (await storyOf(story._id))!;
    expect(untouched).toMatchObject({ reach: before.reach, passed: true });
    expect((await c.models.Post.findById(facebookPostId).lean())!.countOverride ?? null).toBe(null);
    // The same request from the editor does change the count: the replay itself works.
    await replay(await signInCookie(browser, dashboard.url, EDITOR));
    await expect
      .poll(async () => (await c.models.Post.findById(facebookPostId).lean())!.countOverride)
      .toBe('out');
    await setCountOverride(c.runtime.ctx, {
      postId: new Types.ObjectId(facebookPostId),
      override: null,
      at: new Date(),
    });
  });
});
