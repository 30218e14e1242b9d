/**
 * A data set loaded from a JSON file (an office's own export): served over HTTP with the figures
 * the file gives, the reach reached on `reachFinalAt`; a bad file is refused with one sentence
 * naming the file and the bad field, by `startSimulator` and by `npm run sim -- --dataset`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetFileError, startSimulator } from '../src/index';
import { getJson, metricValue, readAllPages, start, type TestSim } from './helpers';

const here = dirname(fileURLToPath(import.meta.url));
const EXAMPLE = resolve(here, '../examples/office-export.json');
const REPO = resolve(here, '../../..');

interface FileAccount {
  platform: string;
  id: string;
  name: string;
}
interface FilePost {
  platform: string;
  id?: string;
  publishedAt: string;
  text: string;
  reach: number;
  reachFinalAt?: string;
  unit?: string;
  ref?: string;
}
const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as {
  accounts: FileAccount[];
  posts: FilePost[];
};
const METRIC = 'post_total_media_view_unique';

describe('the example data set file', () => {
  let t: TestSim;
  beforeAll(async () => {
    t = await start({
      dataset: { file: EXAMPLE },
      clock: { mode: 'fixed', at: '2025-03-01T00:00:00Z' },
    });
  });
  afterAll(() => t.sim.close());

  it('serves the file’s accounts, with a token each', () => {
    expect(t.sim.accounts.map((a) => [a.platform, a.accountId]).sort()).toEqual(
      example.accounts.map((a) => [a.platform, a.id]).sort(),
    );
    for (const a of t.sim.accounts) expect(a.token.length).toBeGreaterThan(20);
  });

  it('lists the Facebook posts with their text and final reach', async () => {
    const fb = t.account('facebook');
    const { items } = await readAllPages(
      `${t.sim.rootUrls.facebook}/${fb.accountId}/published_posts?fields=id,message,created_time,insights.metric(${METRIC})&access_token=${fb.token}`,
    );
    const rows = example.posts.filter((p) => p.platform === 'facebook');
    expect(items).toHaveLength(rows.length);
    const byText = new Map(items.map((i) => [String(i.message), i]));
    for (const row of rows) {
      const item = byText.get(row.text);
      expect(item, row.text).toBeDefined();
      expect(Date.parse(String(item?.created_time).replace('+0000', 'Z'))).toBe(
        Date.parse(row.publishedAt),
      );
      expect(metricValue((item?.insights as { data: unknown }).data, METRIC)).toBe(row.reach);
      if (row.id !== undefined) expect(item?.id).toBe(row.id);
    }
  });

  it('reaches the final reach on reachFinalAt (a date is 00:00 Bangkok) and not before', async () => {
    const fb = t.account('facebook');
    const row = example.posts.find((p) => p.id !== undefined && p.reachFinalAt !== undefined);
    if (!row?.id || !row.reachFinalAt) throw new Error('example lost its dated post');
    const end = Date.parse(`${row.reachFinalAt}T00:00:00+07:00`);
    const at = async (ms: number) => {
      await t.admin.setClock({ mode: 'fixed', at: new Date(ms) });
      const r = await getJson(
        `${t.sim.rootUrls.facebook}/${row.id}/insights?metric=${METRIC}&access_token=${fb.token}`,
      );
      return metricValue(r.body.data, METRIC);
    };
    expect(await at(end)).toBe(row.reach);
    expect(await at(end + 86_400_000)).toBe(row.reach);
    expect(await at(end - 3_600_000)).toBeLessThan(row.reach);
    expect(await at(Date.parse(row.publishedAt) + 86_400_000)).toBeLessThan(row.reach);
  });

  it('lists the LINE unit the file names, in its month', async () => {
    const row = example.posts.find((p) => p.platform === 'line' && p.unit !== undefined);
    await t.admin.setClock({ mode: 'fixed', at: '2024-11-25T00:00:00Z' });
    const r = await getJson<{ customAggregationUnits: string[] }>(
      `${t.sim.rootUrls.line}/v2/bot/message/aggregation/list`,
      { headers: { authorization: `Bearer ${t.account('line').token}` } },
    );
    expect(r.body.customAggregationUnits).toEqual([row?.unit]);
  });

  it('marks infographics by the hashtag in the text and keeps the office’s ref', async () => {
    const catalog = await t.admin.posts();
    expect(catalog.total).toBe(example.posts.length);
    for (const c of catalog.posts) {
      const row = example.posts.find(
        (p) => p.platform === c.platform && Date.parse(p.publishedAt) === Date.parse(c.publishedAt),
      );
      expect(row, c.id).toBeDefined();
      expect(c.infographic).toBe(row?.text.includes('#อินโฟกราฟิกกทม'));
      expect(c.seedId).toBe(row?.ref ?? null);
      expect(c.origin).toBe('file');
    }
  });

  it('also takes the same content inline ({ data })', async () => {
    const s = await startSimulator({ dataset: { data: example, name: 'inline' } });
    try {
      expect(s.dataset.posts).toHaveLength(example.posts.length);
      expect(s.dataset.kind).toBe('file');
    } finally {
      await s.close();
    }
  });
});

describe('a bad data set file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sim-dataset-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string) => {
    const f = join(dir, name);
    writeFileSync(f, content);
    return f;
  };
  const withPost = (i: number, patch: Record<string, unknown>) => ({
    ...example,
    posts: example.posts.map((p, k) => (k === i ? { ...p, ...patch } : p)),
  });

  /** The refusal, checked to be one sentence naming the file and the field. */
  async function refusal(file: string, field: string): Promise<string> {
    const err = await startSimulator({ dataset: { file } }).then(
      (s) => s.close().then(() => undefined),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DatasetFileError);
    const msg = (err as Error).message;
    expect(msg).toContain(file);
    expect(msg).toContain(field);
    expect(msg).not.toContain('\n');
    expect(msg.endsWith('.')).toBe(true);
    return msg;
  }

  it.each([
    [
      'publishedAt without a time zone',
      { publishedAt: '2024-10-02 10:00' },
      'posts[2].publishedAt',
    ],
    ['reach as text', { reach: '4,210' }, 'posts[2].reach'],
    ['negative reach', { reach: -5 }, 'posts[2].reach'],
    ['an unknown platform', { platform: 'myspace' }, 'posts[2].platform'],
    ['an unknown field', { reachh: 10 }, 'posts[2].reachh'],
    ['reachFinalAt before publication', { reachFinalAt: '2024-01-01' }, 'posts[2].reachFinalAt'],
    ['an account of another platform', { account: '17841400000000001' }, 'posts[2].account'],
    ['a Facebook id of another page', { id: '999_123' }, 'posts[2].id'],
    ['a LINE unit on a Facebook post', { unit: 'x_1' }, 'posts[2].unit'],
  ])('refuses %s', async (_what, patch, field) => {
    const f = write(`bad-${field}.json`, JSON.stringify(withPost(2, patch)));
    await refusal(f, field);
  });

  it('refuses a missing text, naming the field as required', async () => {
    const posts = example.posts.map((p, k) => {
      if (k !== 4) return p;
      const { text: _text, ...rest } = p;
      return rest;
    });
    const f = write('no-text.json', JSON.stringify({ ...example, posts }));
    expect(await refusal(f, 'posts[4].text')).toMatch(/required/);
  });

  it('refuses a file that is not JSON, or not there', async () => {
    const f = write('broken.json', '{"accounts": [');
    const msg = await startSimulator({ dataset: { file: f } }).then(
      () => '',
      (e: unknown) => (e as Error).message,
    );
    expect(msg).toMatch(/not valid JSON/);
    expect(msg).toContain(f);
    expect(msg).toMatch(/ at line 1, column 15 /);
    // A syntax error inside a pretty-printed file: V8's own message names no place, this does.
    const pretty = JSON.stringify(example, null, 2).split('\n');
    const at = pretty.findIndex((l) => l.includes('"reach"'));
    pretty[at] = pretty[at]!.replace(/\d+,$/, '4,210,');
    const m3 = await startSimulator({
      dataset: { file: write('comma.json', pretty.join('\n')) },
    }).then(
      () => '',
      (e: unknown) => (e as Error).message,
    );
    const column = pretty[at].indexOf('4,210,') + 3;
    expect(m3).toMatch(
      new RegExp(`comma\\.json is not valid JSON at line ${at + 1}, column ${column} \\(`),
    );
    expect(m3).not.toContain('\n');
    const missing = join(dir, 'nope.json');
    const m2 = await startSimulator({ dataset: { file: missing } }).then(
      () => '',
      (e: unknown) => (e as Error).message,
    );
    expect(m2).toBe(`Dataset file ${missing} cannot be read (no such file).`);
  });

  it('makes npm run sim -- --dataset exit 2 with that one sentence', () => {
    const f = write('cli.json', JSON.stringify(withPost(0, { reach: 'lots' })));
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/sim.ts', '--dataset', f, '--port', '0'],
      { cwd: REPO, encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(f);
    expect(lines[0]).toContain('posts[0].reach');
    expect(r.stdout).toBe('');
  });
});
