import {
  isPlatform,
  monthKeysOfFiscalYear,
  PLATFORMS,
  type Platform,
  reachMetricOf,
} from '@reachline/shared';
import { type MessageKey, translator } from '../i18n/catalog';
import { getReadModel, statusOf, type StoryRow, type StoryStatus } from '../live/readModel';
import { resolveSelection, type Selection } from '../selection';

/**
 * The stories list: one pure function over the read model's rows (never a store query), shared
 * by the list page, its exports and the read API, so the three always agree.
 */

export const STATUS_FILTERS = ['passed', 'below', 'climbing', 'stopped'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export const SORT_KEYS = ['published', 'reach', 'title', 'crossed'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
export const MAX_SEARCH_LENGTH = 200;

export interface StoriesQuery {
  /** The search text as typed (trimmed); matched as a substring of the normalised title. */
  q: string;
  month: string | null;
  platform: Platform | null;
  status: StatusFilter | null;
  sort: SortKey;
  dir: SortDir;
  page: number;
  pageSize: number;
}

export const DEFAULT_QUERY: StoriesQuery = {
  q: '',
  month: null,
  platform: null,
  status: null,
  sort: 'published',
  dir: 'desc',
  page: 1,
  pageSize: DEFAULT_PAGE_SIZE,
};

/** A bad parameter, as a catalogue key and its values: one sentence in either language. */
export interface QueryProblem {
  key: MessageKey;
  vars: Record<string, string | number>;
}

export type Params = Record<string, string | string[] | undefined>;

export type ParseResult = { ok: true; query: StoriesQuery } | { ok: false; problem: QueryProblem };

/** Echoed user input is cut short: a message quotes the value, it does not reproduce a novel. */
function shown(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

const problem = (key: MessageKey, vars: Record<string, string | number> = {}) =>
  ({ ok: false, problem: { key, vars } }) as const;

/**
 * Reads and checks the list's query parameters. An empty value counts as absent (a GET form sends
 * `month=` for "all months"); a repeated parameter, an unknown value or a number out of range is
 * refused with one sentence. Unknown parameter names are ignored (project and fy are checked by
 * `resolveSelection`).
 */
export function parseStoriesQuery(params: Params): ParseResult {
  const values: Record<string, string> = {};
  for (const name of ['q', 'month', 'platform', 'status', 'sort', 'dir', 'page', 'pageSize']) {
    const value = params[name];
    if (Array.isArray(value)) {
      if (value.length > 1) return problem('storiesBadRepeated', { name });
      if (value[0] !== undefined) values[name] = value[0];
    } else if (value !== undefined) values[name] = value;
  }
  const query: StoriesQuery = { ...DEFAULT_QUERY };

  const q = (values.q ?? '').trim();
  if (q.length > MAX_SEARCH_LENGTH) return problem('storiesBadSearch', { max: MAX_SEARCH_LENGTH });
  query.q = q;

  if (values.month) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(values.month))
      return problem('storiesBadMonth', { value: shown(values.month) });
    query.month = values.month;
  }
  if (values.platform) {
    if (!isPlatform(values.platform))
      return problem('storiesBadPlatform', { value: shown(values.platform) });
    query.platform = values.platform;
  }
  if (values.status) {
    if (!(STATUS_FILTERS as readonly string[]).includes(values.status))
      return problem('storiesBadStatus', { value: shown(values.status) });
    query.status = values.status as StatusFilter;
  }
  if (values.sort) {
    if (!(SORT_KEYS as readonly string[]).includes(values.sort))
      return problem('storiesBadSort', { value: shown(values.sort) });
    query.sort = values.sort as SortKey;
    // Titles read naturally A to Z; numbers and dates newest or largest first.
    query.dir = query.sort === 'title' ? 'asc' : 'desc';
  }
  if (values.dir) {
    if (values.dir !== 'asc' && values.dir !== 'desc')
      return problem('storiesBadDir', { value: shown(values.dir) });
    query.dir = values.dir;
  }
  if (values.page) {
    if (!/^[1-9]\d{0,5}$/.test(values.page))
      return problem('storiesBadPage', { value: shown(values.page) });
    query.page = Number(values.page);
  }
  if (values.pageSize) {
    const size = /^[1-9]\d{0,3}$/.test(values.pageSize) ? Number(values.pageSize) : NaN;
    if (!(size <= MAX_PAGE_SIZE))
      return problem('storiesBadPageSize', { value: shown(values.pageSize), max: MAX_PAGE_SIZE });
    query.pageSize = size;
  }
  return { ok: true, query };
}

/** The query as URL parameters, defaults left out (for links, forms and exports). */
export function queryParams(
  query: Partial<StoriesQuery>,
  scope?: { projectSlug: string; fiscalYear: number },
): URLSearchParams {
  const out = new URLSearchParams();
  if (scope) {
    out.set('project', scope.projectSlug);
    out.set('fy', String(scope.fiscalYear));
  }
  if (query.q) out.set('q', query.q);
  if (query.month) out.set('month', query.month);
  if (query.platform) out.set('platform', query.platform);
  if (query.status) out.set('status', query.status);
  if (query.sort && query.sort !== DEFAULT_QUERY.sort) out.set('sort', query.sort);
  if (query.sort || query.dir) {
    const defaultDir = (query.sort ?? DEFAULT_QUERY.sort) === 'title' ? 'asc' : 'desc';
    if (query.dir && query.dir !== defaultDir) out.set('dir', query.dir);
  }
  if (query.page && query.page !== 1) out.set('page', String(query.page));
  if (query.pageSize && query.pageSize !== DEFAULT_PAGE_SIZE)
    out.set('pageSize', String(query.pageSize));
  return out;
}

/**
 * Search text as compared: Unicode NFC (Thai vowels and tone marks typed in another order or
 * decomposed compare equal), zero-width spaces removed (Thai editors insert them as word breaks),
 * runs of whitespace as one space, Latin letters lower-cased. Thai has no spaces between words, so
 * matching is a plain substring test, never a word match.
 */
export function normaliseSearch(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    .replace(/\s+/gu, ' ')
    .trim()
    .toLowerCase();
}

// Rows are replaced (not mutated) when a story changes, so the normalised title can live beside
// the row object and goes away with it.
const searchKeys = new WeakMap<StoryRow, string>();
function searchKeyOf(row: StoryRow): string {
  let key = searchKeys.get(row);
  if (key === undefined) {
    key = normaliseSearch(row.title);
    searchKeys.set(row, key);
  }
  return key;
}

/** The platforms whose numbers make up the story's reach (the year's counting rule), in order. */
export function countedPlatformsOf(row: StoryRow): Platform[] {
  let platforms = countedPlatforms.get(row);
  if (platforms === undefined) {
    const counted = new Set(row.members.filter((m) => m.counted).map((m) => m.platform));
    platforms = PLATFORMS.filter((p) => counted.has(p));
    countedPlatforms.set(row, platforms);
  }
  return platforms;
}
const countedPlatforms = new WeakMap<StoryRow, Platform[]>();

/** Catalogue keys for the words the list, its exports and its filters show. */
export const STATUS_KEYS: Record<StatusFilter, MessageKey> = {
  passed: 'storiesStatusPassed',
  below: 'storiesStatusBelow',
  climbing: 'storiesStatusClimbing',
  stopped: 'storiesStatusStopped',
};
export const SORT_KEY_NAMES: Record<SortKey, MessageKey> = {
  published: 'storiesSortPublished',
  reach: 'storiesSortReach',
  title: 'storiesSortTitle',
  crossed: 'storiesSortCrossed',
};
export const PLATFORM_NAME_KEYS: Record<Platform, MessageKey> = {
  facebook: 'storiesPlatformFacebook',
  instagram: 'storiesPlatformInstagram',
  x: 'storiesPlatformX',
  youtube: 'storiesPlatformYoutube',
  tiktok: 'storiesPlatformTiktok',
  line: 'storiesPlatformLine',
};
/** The translated name of each platform's reach metric (`reachMetricOf(p).label`). */
export const METRIC_NAME_KEYS: Record<Platform, MessageKey> = {
  facebook: 'storiesMetricFacebook',
  instagram: 'storiesMetricInstagram',
  x: 'storiesMetricX',
  youtube: 'storiesMetricYoutube',
  tiktok: 'storiesMetricTiktok',
  line: 'storiesMetricLine',
};

export interface StoryListItem {
  row: StoryRow;
  status: StoryStatus;
  countedPlatforms: Platform[];
}

export interface StoryFacets {
  /** Over the year's stories matching the search and every filter except status. */
  status: Record<StatusFilter, number>;
  /** The same, except the platform filter. */
  platform: Record<Platform, number>;
  /** The same, except the month filter; the twelve months of the fiscal year, October first. */
  month: Record<string, number>;
}

export interface StoriesResult {
  /** Every matching story, sorted. */
  items: StoryListItem[];
  /** Stories of the project-year before search and filters. */
  scopeTotal: number;
  facets: StoryFacets;
}

export interface StoriesPage {
  items: StoryListItem[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
  scopeTotal: number;
  facets: StoryFacets;
}

export interface StoriesScope {
  projectId: string;
  fiscalYear: number;
}

const matchesStatus = (filter: StatusFilter, status: StoryStatus) =>
  filter === status || (filter === 'below' && status !== 'passed');

const collator = new Intl.Collator('th', { sensitivity: 'base', numeric: true });

type Sortable = Pick<StoryListItem, 'row'>;

function comparatorOf(sort: SortKey, dir: SortDir): (a: Sortable, b: Sortable) => number {
  const sign = dir === 'asc' ? 1 : -1;
  const tieBreak = (a: Sortable, b: Sortable) =>
    a.row.publishedAt.getTime() - b.row.publishedAt.getTime() || (a.row.id < b.row.id ? -1 : 1);
  switch (sort) {
    case 'published':
      return (a, b) => sign * tieBreak(a, b);
    case 'reach':
      return (a, b) => sign * (a.row.reach - b.row.reach) || tieBreak(a, b);
    case 'title':
      return (a, b) => sign * collator.compare(a.row.title, b.row.title) || tieBreak(a, b);
    case 'crossed':
      // Stories that never crossed go last in either direction: "when" has no answer for them.
      return (a, b) => {
        const x = a.row.crossedThresholdAt?.getTime() ?? null;
        const y = b.row.crossedThresholdAt?.getTime() ?? null;
        if (x === null || y === null) return x === y ? tieBreak(a, b) : x === null ? 1 : -1;
        return sign * (x - y) || tieBreak(a, b);
      };
  }
}

/**
 * Every story of the project-year that matches the query, sorted, with facet counts. A month
 * outside the fiscal year is a problem, not an empty list (the switchers drop the month when the
 * year changes). `presorted`: the rows already come in the query's order (filtering keeps it).
 */
export function findStories(
  rows: Iterable<StoryRow>,
  scope: StoriesScope,
  query: StoriesQuery,
  now: Date,
  opts: { presorted?: boolean } = {},
): { ok: true; result: StoriesResult } | { ok: false; problem: QueryProblem } {
  const months = monthKeysOfFiscalYear(scope.fiscalYear);
  if (query.month && !months.includes(query.month))
    return problem('storiesMonthOutsideYear', { value: query.month, fy: scope.fiscalYear });
  const needle = normaliseSearch(query.q);
  const facets: StoryFacets = {
    status: { passed: 0, below: 0, climbing: 0, stopped: 0 },
    platform: Object.fromEntries(PLATFORMS.map((p) => [p, 0])) as Record<Platform, number>,
    month: Object.fromEntries(months.map((m) => [m, 0])),
  };
  const items: StoryListItem[] = [];
  let scopeTotal = 0;
  for (const row of rows) {
    if (row.projectId !== scope.projectId || row.fiscalYear !== scope.fiscalYear) continue;
    scopeTotal++;
    if (needle && !searchKeyOf(row).includes(needle)) continue;
    const status = statusOf(row, now);
    const okMonth = !query.month || row.monthKey === query.month;
    const okPlatform = !query.platform || row.platforms.includes(query.platform);
    const okStatus = !query.status || matchesStatus(query.status, status);
    if (okMonth && okPlatform) {
      facets.status[status]++;
      if (status !== 'passed') facets.status.below++;
    }
    if (okMonth && okStatus)
      row.platforms.forEach((p, i) => {
        if (row.platforms.indexOf(p) === i) facets.platform[p]++; // once per platform
      });
    if (okPlatform && okStatus && row.monthKey in facets.month) facets.month[row.monthKey]!++;
    if (okMonth && okPlatform && okStatus)
      items.push({ row, status, countedPlatforms: countedPlatformsOf(row) });
  }
  if (!opts.presorted) items.sort(comparatorOf(query.sort, query.dir));
  return { ok: true, result: { items, scopeTotal, facets } };
}

/** One page of a result; a page past the end is empty (the total says how many there are). */
export function pageOf(result: StoriesResult, query: StoriesQuery): StoriesPage {
  const total = result.items.length;
  const start = (query.page - 1) * query.pageSize;
  return {
    items: result.items.slice(start, start + query.pageSize),
    total,
    page: query.page,
    pageSize: query.pageSize,
    pageCount: Math.max(1, Math.ceil(total / query.pageSize)),
    scopeTotal: result.scopeTotal,
    facets: result.facets,
  };
}

/**
 * `findStories` memoised per read-model version, scope, query (without paging) and minute (a
 * story's status moves from climbing to stopped with time alone), so paging through a large
 * list, or 50 clients asking for the same page, filters and sorts 10,000 rows once.
 */
export class StoriesCache {
  private entries = new Map<string, ReturnType<typeof findStories>>();
  /**
   * The project-year's rows in each order, per read-model version: sorting (a Thai collation
   * for titles) costs more than filtering, and every filter combination shares the same order.
   */
  private orders = new Map<string, StoryRow[]>();
  constructor(private readonly capacity = 64) {}

  private ordered(
    model: { version: number; rows: Map<string, StoryRow> },
    scope: StoriesScope,
    query: StoriesQuery,
  ): StoryRow[] {
    const key = JSON.stringify([
      model.version,
      scope.projectId,
      scope.fiscalYear,
      query.sort,
      query.dir,
    ]);
    let rows = this.orders.get(key);
    if (!rows) {
      const compare = comparatorOf(query.sort, query.dir);
      rows = [...model.rows.values()]
        .filter((r) => r.projectId === scope.projectId && r.fiscalYear === scope.fiscalYear)
        .map((row) => ({ row }))
        .sort(compare)
        .map((item) => item.row);
      for (const k of this.orders.keys())
        if (!k.startsWith(`[${model.version},`)) this.orders.delete(k); // an older version
      this.orders.set(key, rows);
    }
    return rows;
  }

  find(
    model: { version: number; rows: Map<string, StoryRow> },
    scope: StoriesScope,
    query: StoriesQuery,
    now: Date,
  ): ReturnType<typeof findStories> {
    const key = JSON.stringify([
      model.version,
      Math.floor(now.getTime() / 60_000),
      scope.projectId,
      scope.fiscalYear,
      query.q,
      query.month,
      query.platform,
      query.status,
      query.sort,
      query.dir,
    ]);
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit); // most recently used last
      return hit;
    }
    const found = findStories(this.ordered(model, scope, query), scope, query, now, {
      presorted: true,
    });
    this.entries.set(key, found);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return found;
  }
}

const cacheHolder = globalThis as typeof globalThis & { __reachlineStoriesCache?: StoriesCache };
/** The process's cache (kept across hot reloads in development). */
export function storiesCache(): StoriesCache {
  return (cacheHolder.__reachlineStoriesCache ??= new StoriesCache());
}

/** A list row as the read API returns it. */
export function storyJson(item: StoryListItem) {
  const { row } = item;
  return {
    id: row.id,
    title: row.title,
    url: `/stories/${row.id}`,
    publishedAt: row.publishedAt.toISOString(),
    month: row.monthKey,
    fiscalYear: row.fiscalYear,
    quarter: row.quarter,
    platforms: row.platforms,
    reach: row.reach,
    reachMode: row.reachMode,
    reachMetrics: item.countedPlatforms.map((p) => ({ platform: p, ...reachMetricOf(p) })),
    threshold: row.threshold,
    passed: row.passed,
    status: item.status,
    crossedThresholdAt: row.crossedThresholdAt?.toISOString() ?? null,
  };
}

/** URL parameters in the shape `parseStoriesQuery` takes: a repeated name becomes an array. */
export function paramsOf(search: URLSearchParams): Params {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of search) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export type ListOutcome =
  | {
      ok: true;
      selection: Selection;
      query: StoriesQuery;
      result: StoriesResult;
      page: StoriesPage;
    }
  | { ok: false; problem: QueryProblem };

/**
 * The list for a request's parameters (page, export and API alike): project and year checked by
 * `resolveSelection`, the rest by `parseStoriesQuery`, rows from the in-memory read model.
 */
export async function listStories(params: Params, now = new Date()): Promise<ListOutcome> {
  const parsed = parseStoriesQuery(params);
  if (!parsed.ok) return parsed;
  const chosen = await resolveSelection(params, now);
  if (!chosen.ok)
    return problem(
      chosen.problem === 'invalidFiscalYear' ? 'invalidFiscalYear' : 'unknownProject',
      {
        value: shown(chosen.value),
      },
    );
  const { selection } = chosen;
  const model = await getReadModel();
  const found = storiesCache().find(
    model,
    { projectId: selection.project.id, fiscalYear: selection.fiscalYear },
    parsed.query,
    now,
  );
  if (!found.ok) return found;
  return {
    ok: true,
    selection,
    query: parsed.query,
    result: found.result,
    page: pageOf(found.result, parsed.query),
  };
}

/** The read API's answer to a bad parameter: 400 and the English sentence. */
export function problemResponse(found: QueryProblem, status = 400): Response {
  return Response.json(
    { error: translator('en')(found.key, found.vars) },
    { status, headers: { 'cache-control': 'no-store' } },
  );
}
