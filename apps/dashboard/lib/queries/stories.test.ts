import type { Platform } from '@reachline/shared';
import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/catalog';
import type { StoryRow } from '../live/readModel';
import {
  DEFAULT_QUERY,
  findStories,
  MAX_PAGE_SIZE,
  normaliseSearch,
  pageOf,
  paramsOf,
  parseStoriesQuery,
  queryParams,
  StoriesCache,
  type StoriesQuery,
} from './stories';

// Nothing of the store is replaced: these tests build StoryRow input data directly (the read
// model's `server-only` marker is an empty module under vitest: vitest.config.ts).

const PROJECT = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER_PROJECT = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const NOW = new Date('2021-09-30T12:00:00+07:00');
const DAY = 86_400_000;

let seq = 0;
function story(p: {
  title: string;
  published: string;
  reach: number;
  platforms?: Platform[];
  crossed?: string | null;
  projectId?: string;
  fiscalYear?: number;
}): StoryRow {
  const publishedAt = new Date(`${p.published}T10:00:00+07:00`);
  const platforms = p.platforms ?? ['facebook'];
  const id = (++seq).toString(16).padStart(24, '0');
  return {
    id,
    projectId: p.projectId ?? PROJECT,
    title: p.title,
    search: p.title.toLowerCase(),
    publishedAt,
    monthKey: p.published.slice(0, 7),
    fiscalYear: p.fiscalYear ?? 2564,
    quarter: 1,
    platforms,
    reach: p.reach,
    reachMode: 'sum',
    threshold: 3000,
    passed: p.reach >= 3000,
    crossedThresholdAt: p.crossed ? new Date(`${p.crossed}T09:00:00+07:00`) : null,
    members: platforms.map((platform, i) => ({
      postId: `${id.slice(0, 23)}${i}`,
      platform,
      reach: p.reach,
      counted: platform === 'facebook',
    })),
    updatedAt: publishedAt,
  };
}

const rows: StoryRow[] = [
  story({ title: 'กทม. ชวนฉีดวัคซีน', published: '2021-04-05', reach: 23156, crossed: '2021-04-06' }),
  story({ title: 'วิธีแยกขยะ', published: '2021-04-20', reach: 2999 }),
  story({
    title: 'ตลาดนัด   สีเขียว COVID-19',
    published: '2021-03-02',
    reach: 5000,
    platforms: ['facebook', 'x'],
    crossed: '2021-03-03',
  }),
  // still climbing: below the line and a week old
  story({ title: 'ฝุ่น PM2.5 วันนี้', published: '2021-09-25', reach: 1200 }),
  story({
    title: '=HYPERLINK("http://x")',
    published: '2020-10-15',
    reach: 3000,
    crossed: '2020-10-16',
  }),
  // another project and another year: never in this list
  story({
    title: 'วัคซีน โครงการอื่น',
    published: '2021-04-06',
    reach: 9000,
    projectId: OTHER_PROJECT,
  }),
  story({ title: 'วัคซีน ปีหน้า', published: '2021-10-06', reach: 9000, fiscalYear: 2565 }),
];
const scope = { projectId: PROJECT, fiscalYear: 2564 };

function run(params: Record<string, string | string[]>) {
  const parsed = parseStoriesQuery(params);
  if (!parsed.ok) throw new Error(`unexpected problem ${parsed.problem.key}`);
  const found = findStories(rows, scope, parsed.query, NOW);
  if (!found.ok) throw new Error(`unexpected problem ${found.problem.key}`);
  return { query: parsed.query, result: found.result, page: pageOf(found.result, parsed.query) };
}
const titles = (params: Record<string, string | string[]>) =>
  run(params).result.items.map((i) => i.row.title);

describe('stories list query', () => {
  it('lists only the project-year, newest first by default', () => {
    const { result } = run({});
    expect(result.scopeTotal).toBe(5);
    expect(result.items.map((i) => i.row.publishedAt.toISOString().slice(0, 10))).toEqual([
      '2021-09-25',
      '2021-04-20',
      '2021-04-05',
      '2021-03-02',
      '2020-10-15',
    ]);
  });

  it('searches Thai titles by substring, whatever the spacing or Unicode form', () => {
    expect(titles({ q: 'วัคซีน' })).toEqual(['กทม. ชวนฉีดวัคซีน']);
    expect(titles({ q: 'ฉีดวัค' })).toEqual(['กทม. ชวนฉีดวัคซีน']); // inside a "word": no spaces in Thai
    expect(titles({ q: 'ตลาดนัด สีเขียว' })).toEqual(['ตลาดนัด   สีเขียว COVID-19']);
    expect(titles({ q: 'covid' })).toEqual(['ตลาดนัด   สีเขียว COVID-19']);
    expect(titles({ q: 'pm2.5' })).toEqual(['ฝุ่น PM2.5 วันนี้']);
    // a zero-width space typed between Thai words does not stop a match
    expect(titles({ q: 'แยก\u200Bขยะ' })).toEqual(['วิธีแยกขยะ']);
    // a tone mark typed before the vowel below (ฝ + ่ + ุ): canonically reordered by NFC
    expect(titles({ q: 'ฝ\u0E48\u0E38น' })).toEqual(['ฝุ่น PM2.5 วันนี้']);
    expect(normaliseSearch('A\u030A')).toBe(normaliseSearch('\u00C5'));
    expect(titles({ q: 'ไม่มีเรื่องนี้' })).toEqual([]);
  });

  it('filters by month, platform and status, with "below" = climbing + stopped', () => {
    expect(titles({ month: '2021-04', sort: 'published', dir: 'asc' })).toEqual([
      'กทม. ชวนฉีดวัคซีน',
      'วิธีแยกขยะ',
    ]);
    expect(titles({ platform: 'x' })).toEqual(['ตลาดนัด   สีเขียว COVID-19']);
    expect(titles({ status: 'passed' })).toHaveLength(3);
    expect(titles({ status: 'below' })).toEqual(['ฝุ่น PM2.5 วันนี้', 'วิธีแยกขยะ']);
    // published 2021-04-20 with 2,999: near the line, harvested daily to day 180, so still climbing
    // on 2021-09-30 (163 days); the 1,200 one is a few days old.
    expect(titles({ status: 'climbing' })).toEqual(['ฝุ่น PM2.5 วันนี้', 'วิธีแยกขยะ']);
    expect(titles({ status: 'stopped' })).toEqual([]);
    const later = findStories(
      rows,
      scope,
      { ...DEFAULT_QUERY, status: 'stopped' },
      new Date(NOW.getTime() + 120 * DAY),
    );
    expect(later.ok && later.result.items.map((i) => i.row.title)).toEqual([
      'ฝุ่น PM2.5 วันนี้',
      'วิธีแยกขยะ',
    ]);
    expect(titles({ month: '2021-04', status: 'passed', q: 'กทม' })).toEqual(['กทม. ชวนฉีดวัคซีน']);
  });

  it('counts facets over every filter but their own', () => {
    const { result } = run({ month: '2021-04' });
    expect(result.facets.status).toEqual({ passed: 1, below: 1, climbing: 1, stopped: 0 });
    expect(result.facets.month['2021-04']).toBe(2);
    expect(result.facets.month['2021-03']).toBe(1); // other months still counted for the picker
    expect(Object.keys(result.facets.month)).toHaveLength(12);
    expect(result.facets.platform.facebook).toBe(2);
  });

  it('sorts by reach, title and crossing date in both directions; never-crossed last', () => {
    expect(run({ sort: 'reach' }).result.items.map((i) => i.row.reach)).toEqual([
      23156, 5000, 3000, 2999, 1200,
    ]);
    expect(run({ sort: 'reach', dir: 'asc' }).result.items.map((i) => i.row.reach)).toEqual([
      1200, 2999, 3000, 5000, 23156,
    ]);
    const byTitle = titles({ sort: 'title' });
    expect(byTitle).toEqual([...byTitle].sort(new Intl.Collator('th').compare));
    expect(titles({ sort: 'title', dir: 'desc' })).toEqual([...byTitle].reverse());
    const crossedAsc = run({ sort: 'crossed', dir: 'asc' }).result.items.map(
      (i) => i.row.crossedThresholdAt?.toISOString().slice(0, 10) ?? null,
    );
    expect(crossedAsc).toEqual(['2020-10-16', '2021-03-03', '2021-04-06', null, null]);
    const crossedDesc = run({ sort: 'crossed' }).result.items.map(
      (i) => i.row.crossedThresholdAt?.toISOString().slice(0, 10) ?? null,
    );
    expect(crossedDesc).toEqual(['2021-04-06', '2021-03-03', '2020-10-16', null, null]);
  });

  it('pages within bounds; a page past the end is empty but keeps the total', () => {
    const first = run({ pageSize: '2' }).page;
    expect(first).toMatchObject({ total: 5, page: 1, pageSize: 2, pageCount: 3 });
    expect(first.items).toHaveLength(2);
    const last = run({ pageSize: '2', page: '3' }).page;
    expect(last.items.map((i) => i.row.publishedAt.toISOString().slice(0, 10))).toEqual([
      '2020-10-15',
    ]);
    const past = run({ pageSize: '2', page: '4' }).page;
    expect(past).toMatchObject({ total: 5, pageCount: 3 });
    expect(past.items).toEqual([]);
    expect(run({ pageSize: String(MAX_PAGE_SIZE) }).page.items).toHaveLength(5);
    const empty = run({ q: 'nothing at all' }).page;
    expect(empty).toMatchObject({ total: 0, pageCount: 1, items: [] });
  });

  it.each([
    [{ month: '2021-4' }, 'The month must be written YYYY-MM (CE), such as 2021-04, not "2021-4".'],
    [
      { month: '2021-13' },
      'The month must be written YYYY-MM (CE), such as 2021-04, not "2021-13".',
    ],
    [
      { platform: 'myspace' },
      'The platform must be facebook, instagram, x, youtube, tiktok or line, not "myspace".',
    ],
    [{ status: 'nope' }, 'The status must be passed, below, climbing or stopped, not "nope".'],
    [{ sort: 'views' }, 'The sort must be published, reach, title or crossed, not "views".'],
    [{ dir: 'up' }, 'The order must be asc or desc, not "up".'],
    [{ page: '0' }, 'The page must be a whole number from 1 up, not "0".'],
    [{ page: '-1' }, 'The page must be a whole number from 1 up, not "-1".'],
    [{ page: '1.5' }, 'The page must be a whole number from 1 up, not "1.5".'],
    [{ page: 'abc' }, 'The page must be a whole number from 1 up, not "abc".'],
    [{ pageSize: '201' }, 'The page size must be a whole number from 1 to 200, not "201".'],
    [{ pageSize: '0' }, 'The page size must be a whole number from 1 to 200, not "0".'],
    [{ q: 'ก'.repeat(201) }, 'The search text can be at most 200 characters long.'],
    [{ status: ['passed', 'below'] }, 'Give the parameter "status" only once.'],
    [
      { status: 'x'.repeat(100) },
      `The status must be passed, below, climbing or stopped, not "${'x'.repeat(40)}…".`,
    ],
  ])('refuses %j with one sentence', (params, sentence) => {
    const parsed = parseStoriesQuery(params);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(translator('en')(parsed.problem.key, parsed.problem.vars)).toBe(sentence);
    // and the Thai sentence exists and fills every placeholder
    expect(translator('th')(parsed.problem.key, parsed.problem.vars)).not.toMatch(/\{\w+\}/);
  });

  it('refuses a month outside the fiscal year', () => {
    const query: StoriesQuery = { ...DEFAULT_QUERY, month: '2021-10' };
    const found = findStories(rows, scope, query, NOW);
    expect(found.ok).toBe(false);
    if (found.ok) return;
    expect(translator('en')(found.problem.key, found.problem.vars)).toBe(
      'The month 2021-10 is not in fiscal year 2564.',
    );
  });

  it('treats empty form fields as absent and round-trips through URL parameters', () => {
    const parsed = parseStoriesQuery({ q: '', month: '', platform: '', status: '', page: '' });
    expect(parsed).toEqual({ ok: true, query: DEFAULT_QUERY });
    const query: StoriesQuery = {
      ...DEFAULT_QUERY,
      q: 'วัคซีน',
      month: '2021-04',
      status: 'below',
      sort: 'reach',
      dir: 'asc',
      page: 3,
    };
    const search = queryParams(query, { projectSlug: 'infographics', fiscalYear: 2564 });
    expect(search.get('fy')).toBe('2564');
    expect(parseStoriesQuery(paramsOf(search))).toEqual({ ok: true, query });
    expect(queryParams({ sort: 'title', dir: 'asc' }).toString()).toBe('sort=title');
  });

  it('the cache (rows pre-sorted once per version) answers exactly what findStories answers', () => {
    const cache = new StoriesCache();
    const model = { version: 7, rows: new Map(rows.map((r) => [r.id, r])) };
    for (const params of [
      {},
      { sort: 'title' },
      { sort: 'title', dir: 'desc' },
      { sort: 'reach', dir: 'asc' },
      { sort: 'crossed', status: 'passed' },
      { q: 'กทม', sort: 'published', dir: 'asc' },
    ]) {
      const parsed = parseStoriesQuery(params);
      if (!parsed.ok) throw new Error('bad params');
      const cached = cache.find(model, scope, parsed.query, NOW);
      const direct = findStories(rows, scope, parsed.query, NOW);
      expect(cached.ok && cached.result.items.map((i) => i.row.id)).toEqual(
        direct.ok && direct.result.items.map((i) => i.row.id),
      );
    }
  });

  it('caches by read-model version: a changed row shows up once the version moves', () => {
    const cache = new StoriesCache();
    const model = { version: 1, rows: new Map(rows.map((r) => [r.id, r])) };
    const first = cache.find(model, scope, DEFAULT_QUERY, NOW);
    expect(cache.find(model, scope, { ...DEFAULT_QUERY, page: 2 }, NOW)).toBe(first);
    const changed = { ...rows[1]!, reach: 3100, passed: true };
    model.rows.set(changed.id, changed);
    model.version++;
    const second = cache.find(model, scope, { ...DEFAULT_QUERY, status: 'passed' }, NOW);
    expect(second.ok && second.result.items.map((i) => i.row.id)).toContain(changed.id);
  });
});
