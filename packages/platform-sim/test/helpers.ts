/** Shared test helpers: start a simulator on port 0 and talk to it over real HTTP. */
import {
  SimAdminClient,
  startSimulator,
  type Platform,
  type RunningSimulator,
  type SimAccountInfo,
  type SimulatorOptions,
  type StartExtras,
} from '../src/index';

export interface TestSim {
  sim: RunningSimulator;
  admin: SimAdminClient;
  account(p: Platform): SimAccountInfo;
}

/** Start a simulator on a free port; batch `null` items are off unless the test asks. */
export async function start(
  options: SimulatorOptions = {},
  extras: StartExtras = {},
): Promise<TestSim> {
  const sim = await startSimulator(
    { ...options, faults: { batchNullRate: 0, ...options.faults } },
    extras,
  );
  return {
    sim,
    admin: new SimAdminClient(sim.url, sim.admin.token),
    account(p) {
      const a = sim.accounts.find((x) => x.platform === p);
      if (!a) throw new Error(`no ${p} account`);
      return a;
    },
  };
}

export interface JsonAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function getJson<T = GraphBody>(
  url: string,
  init: RequestInit = {},
): Promise<JsonAnswer<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as T, text };
}

// ------------------------------------------------------------------------- response shapes

export interface GraphError {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
  fbtrace_id: string;
}

export interface InsightsResult {
  name: string;
  period: string;
  values: { value: number; end_time?: string }[];
  title: string;
  description: string;
  id: string;
}

export interface GraphBody {
  data?: Record<string, unknown>[];
  paging?: { cursors?: { before: string; after: string }; next?: string; previous?: string };
  error?: GraphError;
  [k: string]: unknown;
}

export interface BatchItem {
  code: number;
  headers?: { name: string; value: string }[];
  body: string;
}

export interface BucEntry {
  type: string;
  call_count: number;
  total_cputime: number;
  total_time: number;
  estimated_time_to_regain_access: number;
}

/** Every `error` in the documented Graph shape; fails the test otherwise. */
export function graphErrorOf(body: GraphBody): GraphError {
  const e = body.error;
  if (
    !e ||
    typeof e.message !== 'string' ||
    typeof e.type !== 'string' ||
    typeof e.code !== 'number' ||
    typeof e.fbtrace_id !== 'string'
  ) {
    throw new Error(`not a Graph error body: ${JSON.stringify(body)}`);
  }
  return e;
}

export function parseBuc(header: string | null | undefined, id: string): BucEntry | undefined {
  if (header === null || header === undefined) return undefined;
  const parsed = JSON.parse(header) as Record<string, BucEntry[]>;
  return parsed[id]?.[0];
}

// ------------------------------------------------------------------------- Graph helpers

/** POST a Graph batch (form-encoded, as the SDKs do). */
export function postBatch(
  base: string,
  token: string,
  items: unknown[],
  extra: Record<string, string> = {},
): Promise<JsonAnswer<(BatchItem | null)[] & GraphBody>> {
  return getJson(`${base}/`, {
    method: 'POST',
    body: new URLSearchParams({ access_token: token, batch: JSON.stringify(items), ...extra }),
  });
}

export const insightItem = (
  id: string,
  metric = 'post_total_media_view_unique,post_media_view',
) => ({
  method: 'GET',
  relative_url: `${id}/insights?metric=${metric}`,
});

/** Follow `paging.next` to the end; returns every item and every page. */
export async function readAllPages(
  firstUrl: string,
): Promise<{ items: Record<string, unknown>[]; pages: GraphBody[] }> {
  const items: Record<string, unknown>[] = [];
  const pages: GraphBody[] = [];
  let url: string | undefined = firstUrl;
  while (url !== undefined) {
    const r: JsonAnswer<GraphBody> = await getJson(url);
    if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text}`);
    pages.push(r.body);
    items.push(...(r.body.data ?? []));
    url = r.body.paging?.next;
    if (pages.length > 10_000) throw new Error('paging never ends');
  }
  return { items, pages };
}

/** Value of one metric in an insights `data` array. */
export function metricValue(data: unknown, name: string): number | undefined {
  const list = data as InsightsResult[];
  return list.find((m) => m.name === name)?.values[0]?.value;
}
