/**
 * The overview on data the real collector harvested (FY2564 from the simulator): the year's KPI,
 * the quarterly table, the charts with their text alternatives, freshness, warnings, and live
 * updates over Server-Sent Events in Chromium: a harvest step changes the open page without a
 * reload, and the stream comes back after the connection drops.
 *
 * The tests run in order on one harvest: the live test steps the year from its second-to-last
 * report date to its last, so the tests after it see the whole year.
 */
import { mkdirSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { CHANNELS, decodeEvent } from '@reachline/shared';
import { kpiFiguresId } from '@reachline/shared/models';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTokenStatus } from '../../apps/collector/src/accounts';
import type { TestCollector } from '../helpers/collector';
import {
  launchBrowser,
  type RunningDashboard,
  signIn,
  signInCookie,
  startTestDashboard,
  seriousAxeViolations,
  cardValues,
} from '../helpers/dashboard';
import { bangkokNoon, fy2564ReportDates, harvestFy2564 } from '../helpers/harvestedYear';
import { useTestDatabase } from '../helpers/services';

// A short name: the Redis prefix doubles as the dashboard's QUEUE_PREFIX (at most 40 characters).
const db = useTestDatabase({ name: 'overview' });
const artifacts = resolve(import.meta.dirname, '../../artifacts');
const dates = fy2564ReportDates();
const lastDate = dates.at(-1)!;
const earlierDate = dates.at(-2)!;

let c: TestCollector;
let dashboard: RunningDashboard;
let proxy: DropProxy;
let browser: Browser;
let cookie: string;

/** A TCP proxy in front of the dashboard whose open connections the test can cut. */
interface DropProxy {
  url: string;
  dropAll(): number;
  close(): Promise<void>;
}

async function startDropProxy(target: string): Promise<DropProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    dropAll() {
      const n = sockets.size;
      for (const s of sockets) s.destroy();
      return n;
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

const value = (page: Page, testId: string) =>
  page.getByTestId(testId).locator('.value').textContent();

async function openOverview(width: number, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  await signIn(page, proxy.url);
  await page.goto(`${proxy.url}/?fy=2564`);
  await expect
    .poll(() => page.getByTestId('live-status').getAttribute('data-state'), { timeout: 15_000 })
    .toBe('live');
  return page;
}

beforeAll(async () => {
  c = await harvestFy2564(db, { until: earlierDate });
  dashboard = await startTestDashboard({
    MONGODB_URI: db.mongoUri,
    REDIS_URL: db.redisUrl,
    QUEUE_PREFIX: db.prefix,
  });
  proxy = await startDropProxy(dashboard.url);
  browser = await launchBrowser();
  cookie = await signInCookie(browser, proxy.url);
  mkdirSync(artifacts, { recursive: true });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await dashboard?.stop();
  await c?.close();
});

describe('overview live updates', () => {
  it('refuses the event stream without a session, and streams to a viewer', async () => {
    const anonymous = await fetch(`${dashboard.url}/api/events`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: string }).error).toMatch(/^Sign in first/);

    const abort = new AbortController();
    const res = await fetch(`${dashboard.url}/api/events`, {
      headers: { cookie },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader() as { read(): Promise<{ value?: Uint8Array }> };
    const { value: first } = await reader.read();
    expect(new TextDecoder().decode(first)).toMatch(/retry: \d+\n/);
    abort.abort();
  });

  it("changes the open page's numbers without a reload, within 2 s of the collector's write", async () => {
    const page = await openOverview(1200);
    const { KpiFigures, Story } = c.models;
    const before = (await KpiFigures.findById(kpiFiguresId(2564)).lean())!;
    expect(await value(page, 'kpi-published')).toBe(String(before.published));
    expect(await value(page, 'kpi-passed')).toBe(String(before.passed));

    // Every change of the two numbers on screen, stamped in the page; a reload would lose the
    // marker.
    await page.evaluate(RECORD_CHANGES);

    // When each story-changed event of this store arrived (right after its write).
    const events: { at: number; storyId: string }[] = [];
    const sub = new Redis(db.redisUrl);
    await sub.subscribe(CHANNELS.storyChanged);
    sub.on('message', (channel: string, message: string) => {
      const event = decodeEvent(channel, message);
      if (event?.type === 'story-changed') events.push({ at: Date.now(), storyId: event.storyId });
    });

    await c.setTime(bangkokNoon(lastDate));
    await c.step();
    const stepEnd = Date.now();
    const after = (await KpiFigures.findById(kpiFiguresId(2564)).lean())!;
    expect(after.published).toBeGreaterThan(before.published);

    await expect
      .poll(() => value(page, 'kpi-published'), { timeout: 10_000 })
      .toBe(String(after.published));
    await expect
      .poll(() => value(page, 'kpi-passed'), { timeout: 10_000 })
      .toBe(String(after.passed));
    await sub.quit();

    const { changes, same } = await page.evaluate<{
      changes: { at: number; published: string; passed: string }[];
      same: boolean;
    }>('({ changes: window.__changes, same: window.__sameDocument === true })');
    expect(same).toBe(true);
    const shown = changes.find(
      (ch) => ch.published === String(after.published) && ch.passed === String(after.passed),
    );
    expect(shown).toBeDefined();
    // Events of other test files share the channel: keep this store's stories only.
    const ours: number[] = [];
    for (const e of events)
      if (e.at <= shown!.at && (await Story.exists({ _id: e.storyId }))) ours.push(e.at);
    expect(ours.length).toBeGreaterThan(0);
    const lastWrite = Math.max(...ours);
    const latency = shown!.at - lastWrite;
    console.log(
      `[overview live] ${before.published}/${before.passed} -> ${after.published}/${after.passed}: ` +
        `on screen ${latency} ms after the last write it reflects ` +
        `(${shown!.at - stepEnd} ms relative to the end of the step; ${changes.length} screen updates, ${ours.length} events)`,
    );
    expect(latency).toBeLessThan(2_000);
    await page.context().close();
  }, 240_000);
});

describe('overview of the harvested year', () => {
  it('shows 74 / 69 / 93.24 % and the quarterly table computed from the figures', async () => {
    const html = await (await fetch(`${dashboard.url}/?fy=2564`, { headers: { cookie } })).text();
    expect(cardValues(html)).toEqual({
      'kpi-published': '74',
      'kpi-passed': '69',
      'kpi-rate': '93.24 %',
      'kpi-quota': '69 / 45',
    });
    expect(quarterRows(html)).toEqual([
      ['ไตรมาสที่ 1', '25', '20', '80.00', '80.00'],
      ['ไตรมาสที่ 2', '34', '34', '100.00', '91.53'],
      ['ไตรมาสที่ 3', '15', '15', '100.00', '93.24'],
      ['ไตรมาสที่ 4', '0', '0', '–', '93.24'],
    ]);
    // Which platform metric the numbers stand for (FY2564 counts Facebook only).
    expect(html).toMatch(
      /data-testid="metric-note">[^<]*Facebook: post_total_media_view_unique[^<]*</,
    );
  });

  it('draws the charts with text alternatives, says how fresh the data is, and passes axe', async () => {
    const page = await openOverview(1200);
    for (const id of ['monthly-chart', 'reach-chart']) {
      const svg = page.getByTestId(id).locator('svg[role="img"]');
      await svg.waitFor();
      expect(await svg.getAttribute('aria-label')).toBeTruthy();
    }
    expect(await page.getByTestId('monthly-chart').locator('rect').count()).toBeGreaterThan(9);
    // The 3,000 line is drawn in the reach chart.
    expect(await page.getByTestId('reach-chart').textContent()).toContain('เส้น 3,000');
    // Text alternatives: the month table adds up to the year, the reach table to its stories.
    const monthCells = await page
      .getByTestId('monthly-table')
      .locator('tbody tr td:first-of-type')
      .allTextContents();
    expect(monthCells).toHaveLength(12);
    expect(monthCells.reduce((s, v) => s + Number(v), 0)).toBe(74);
    const reachCells = await page
      .getByTestId('reach-table')
      .locator('tbody tr td')
      .allTextContents();
    expect(reachCells.reduce((s, v) => s + Number(v), 0)).toBe(74);
    // Five stories stayed below 3,000 (the office's record), read from the stories in memory.
    expect(await page.getByTestId('reach-summary').textContent()).toBe(
      'ต่ำกว่า 3,000: 5 เรื่อง ถึงเกณฑ์: 69 เรื่อง',
    );
    // Freshness: the collector ran on 2021's clock, so the next harvest is told relative to the
    // last one, never as a negative or years-long wait.
    const freshness = page.getByTestId('freshness');
    expect(await freshness.getAttribute('data-next')).toBe('afterLast');
    expect(await freshness.textContent()).toMatch(
      /^เก็บข้อมูลล่าสุดเมื่อ \d+ นาทีที่แล้ว · รอบถัดไปกำหนดไว้ \d+ (นาที|ชั่วโมง|วัน) หลังรอบล่าสุด \(\d+ \S+ 256\d \d\d:\d\d\)$/,
    );

    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: resolve(artifacts, 'overview.png'), fullPage: true });
    await page.context().close();

    const phone = await openOverview(360, 780);
    await phone.getByTestId('reach-chart').locator('svg').waitFor();
    await phone.screenshot({ path: resolve(artifacts, 'overview-phone.png'), fullPage: true });
    // Nothing sticks out to the right (elements inside a scrolling box are fine).
    expect(await phone.evaluate<string[]>(WIDER_THAN_VIEWPORT)).toEqual([]);
    expect(
      await phone.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      ),
    ).toBeLessThanOrEqual(0);
    await phone.context().close();
  }, 120_000);

  it('warns of an expired token live, and keeps receiving events after the stream drops', async () => {
    const page = await openOverview(1200);
    expect(await page.getByTestId('token-warning').count()).toBe(0);
    await page.evaluate(RECORD_STATES);
    const status = page.getByTestId('live-status');
    expect(await status.getAttribute('data-connections')).toBe('1');

    expect(proxy.dropAll()).toBeGreaterThan(0);
    await expect.poll(() => status.getAttribute('data-connections'), { timeout: 15_000 }).toBe('2');
    expect(await status.getAttribute('data-state')).toBe('live');
    const states = await page.evaluate<string[]>('window.__states');
    expect(states).toContain('reconnecting');

    // The collector marks an account expired (store write + event): the open page warns.
    const account = (await c.models.Account.findOne({ platform: 'facebook' }).lean())!;
    await setTokenStatus(c.models, c.redis, db.prefix, account, 'expired', new Date());
    const warning = page.locator('[data-testid="token-warning"][data-platform="facebook"]');
    await warning.waitFor({ timeout: 5_000 });
    expect(await warning.textContent()).toBe(
      `Facebook บัญชี "${account.displayName}": โทเค็นหมดอายุ ต้องเชื่อมต่อบัญชีใหม่`,
    );
    expect(Number(await status.getAttribute('data-received'))).toBeGreaterThan(0);

    // Back to ok through the store alone: the next render has no warning.
    await c.models.Account.updateOne({ _id: account._id }, { $set: { tokenStatus: 'ok' } });
    const html = await (await fetch(`${dashboard.url}/?fy=2564`, { headers: { cookie } })).text();
    expect(html).not.toContain('data-testid="token-warning"');
    await page.context().close();
  }, 60_000);
});

/**
 * Runs in the page: stamps every change of the published/passed numbers; a reload would lose
 * `__sameDocument`.
 */
const RECORD_CHANGES = `(() => {
  window.__sameDocument = true;
  window.__changes = [];
  const read = (id) => document.querySelector('[data-testid="' + id + '"] .value')?.textContent ?? '';
  let last = read('kpi-published') + '|' + read('kpi-passed');
  new MutationObserver(() => {
    const now = read('kpi-published') + '|' + read('kpi-passed');
    if (now === last) return;
    last = now;
    window.__changes.push({ at: Date.now(), published: read('kpi-published'), passed: read('kpi-passed') });
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
})()`;

/** Runs in the page: the innermost elements whose right edge is past the viewport's. */
const WIDER_THAN_VIEWPORT = `(() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.ov-table-wrap, .ov-sr-only')) continue;
    if (el.getBoundingClientRect().right <= width + 1) continue;
    if ([...el.children].some((c) => c.getBoundingClientRect().right > width + 1)) continue;
    out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' ' + Math.round(el.getBoundingClientRect().right));
  }
  return out.slice(0, 10);
})()`;

/** Runs in the page: every state the live indicator passes through. */
const RECORD_STATES = `(() => {
  window.__states = [];
  const el = document.querySelector('[data-testid="live-status"]');
  new MutationObserver(() => window.__states.push(el.getAttribute('data-state'))).observe(el, {
    attributes: true,
    attributeFilter: ['data-state'],
  });
})()`;

/** The quarterly table's rows as cell texts. */
function quarterRows(html: string): string[][] {
  const rows: string[][] = [];
  for (const m of html.matchAll(/<tr data-testid="quarter-row-\d">(.*?)<\/tr>/g))
    rows.push([...(m[1] ?? '').matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((x) => x[1] ?? ''));
  return rows;
}
