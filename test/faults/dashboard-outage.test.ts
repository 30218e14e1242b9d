/**
 * The store stopped for 30 s under a running dashboard (issue 10, 2): while it is down every page
 * and API route answers an honest error (one sentence, no stack trace, never a half-empty page
 * passed off as data) and /api/health says 503; once it is back the same requests answer the
 * data again, without restarting the dashboard.
 */
import mongoose from 'mongoose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, ensureIndexes } from '@reachline/shared/models';
import { importFy2564 } from '@reachline/shared/seed';
import {
  launchBrowser,
  type RunningDashboard,
  signInCookie,
  startTestDashboard,
} from '../helpers/dashboard';
import { prefixOf, useTestDatabase } from '../helpers/services';
import { say, sleep } from './harness';
import { OwnFerretdb } from './servers';

const db = useTestDatabase();
/** A story title of the FY2564 record, shown on the stories list. */
let knownTitle = '';

interface Answer {
  status: number;
  body: string;
}

describe('the dashboard while the store is stopped for 30 s', () => {
  let store: OwnFerretdb;
  let dashboard: RunningDashboard;
  let browser: Browser;
  let cookie = '';

  const get = async (path: string): Promise<Answer> => {
    const res = await fetch(`${dashboard.url}${path}`, {
      headers: { cookie },
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: await res.text() };
  };

  beforeAll(async () => {
    store = await OwnFerretdb.create();
    await store.start();
    const uri = store.uri(db.dbName);
    const conn = await mongoose.createConnection(uri).asPromise();
    const models = createModels(conn);
    await ensureIndexes(models);
    await importFy2564(models);
    knownTitle = (await models.Story.findOne({}, { title: 1 }).lean())!.title;
    await conn.close();
    dashboard = await startTestDashboard({
      MONGODB_URI: uri,
      REDIS_URL: db.redisUrl,
      QUEUE_PREFIX: prefixOf(`${db.dbName}_dash`),
    });
    browser = await launchBrowser();
    cookie = await signInCookie(browser, dashboard.url);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    await store?.remove();
  });

  it('answers an honest error while the store is down and recovers by itself', async () => {
    const paths = ['/', '/stories', '/api/v1/kpi', '/api/v1/stories', '/api/health'];
    const before = new Map<string, Answer>();
    for (const p of paths) before.set(p, await get(p));
    for (const p of paths) expect(before.get(p)!.status, p).toBe(200);
    expect(before.get('/stories')!.body).toContain(escapeHtml(knownTitle));

    await store.stop('SIGTERM');
    const downAt = Date.now();
    await sleep(3_000);
    const during = new Map<string, Answer>();
    for (const p of paths) during.set(p, await get(p));
    const health = during.get('/api/health')!;
    expect(health.status).toBe(503);
    for (const p of ['/api/v1/kpi', '/api/v1/stories']) {
      const a = during.get(p)!;
      expect(a.status, p).toBe(503);
      const json = JSON.parse(a.body) as { error?: string };
      expect(json.error, p).toMatch(/store|database|MongoDB/i);
    }
    for (const p of ['/', '/stories']) {
      // Either the page's own store-error box (200), or a 5xx whose error page the browser
      // renders (it then asks /api/health and says the store is down: checked below).
      const a = during.get(p)!;
      if (a.status === 200) expect(a.body, p).toContain('ไม่สามารถอ่านข้อมูลได้');
      else expect(a.status, p).toBeGreaterThanOrEqual(500);
      expect(a.body, p).not.toMatch(/\n\s+at \S+ \(/); // no stack trace
      expect(a.body, p).not.toContain(escapeHtml(knownTitle));
    }
    for (const [p, a] of during) say(`store down: ${p} → ${a.status}`);
    // An open page says the store is down, in Thai, and reloads by itself once it is back.
    const context = await browser.newContext();
    const [name, value] = cookie.split(';')[0]!.split('=');
    await context.addCookies([{ name: name!, value: value!, url: dashboard.url }]);
    const tab = await context.newPage();
    await tab.goto(`${dashboard.url}/stories`);
    await tab.getByText('ไม่สามารถอ่านข้อมูลได้').first().waitFor({ timeout: 20_000 });

    await sleep(Math.max(0, 30_000 - (Date.now() - downAt)));
    await store.start();
    const upAt = Date.now();
    // Recovers by itself: the same requests answer data again, within a minute, no restart.
    let recovered = false;
    let after = new Map<string, Answer>();
    while (!recovered && Date.now() - upAt < 60_000) {
      await sleep(1_000);
      after = new Map();
      for (const p of paths) after.set(p, await get(p));
      recovered = paths.every((p) => after.get(p)!.status === 200);
    }
    say(
      `store back: every route answered 200 again after ${((Date.now() - upAt) / 1000).toFixed(1)} s`,
    );
    expect(recovered).toBe(true);
    await tab.getByText(knownTitle).first().waitFor({ timeout: 30_000 });
    say(
      `store back: the open page showed the data again by itself after ${((Date.now() - upAt) / 1000).toFixed(1)} s`,
    );
    await context.close();
    expect(after.get('/stories')!.body).toContain(escapeHtml(knownTitle));
    expect(after.get('/api/v1/kpi')!.body).toBe(before.get('/api/v1/kpi')!.body);
  }, 300_000);
});

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
