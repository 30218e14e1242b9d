/**
 * What the Facebook and Instagram connectors share, both being the Graph API: cursor paging of a
 * list edge, insights answers into readings, and the set of insights metrics a connector asks
 * for (a retired metric fails the whole insights call, so one found retired is dropped for good).
 */
import type { Platform } from '@reachline/shared';
import { withinWindow } from './discoveryWindow';
import type { PlatformHttp } from './http';
import {
  asArray,
  asOptionalString,
  asRecord,
  isRecord,
  readShape,
  unexpectedShape,
  type Json,
} from './shape';
import type {
  ConnectorAccount,
  DiscoveredPost,
  DiscoveryOptions,
  DiscoveryPage,
  ReachReading,
} from './types';

/** Most items the Graph serves per list page. */
export const GRAPH_PAGE_SIZE = 100;

/**
 * Lists a newest-first edge (`/{page-id}/published_posts`, `/{ig-user-id}/media`) page by page.
 * `paging.next` absent is the only end: a page may be empty and still have `next`. The next page
 * is asked for with the cursor taken from `next`, through the same client, so the token stays in
 * the Authorization header and no URL that carries one is ever followed or quoted.
 */
export async function* graphDiscovery(
  http: PlatformHttp,
  account: ConnectorAccount,
  path: string,
  fields: string,
  toPost: (item: Json) => DiscoveredPost,
  options: DiscoveryOptions,
): AsyncGenerator<DiscoveryPage> {
  const what = 'listing posts';
  let after = options.cursor ?? undefined;
  const seen = new Set<string>();
  for (;;) {
    const answer = await http.send(account, {
      path,
      params: { fields, limit: GRAPH_PAGE_SIZE, after },
      what,
    });
    const { posts, next } = readShape(http.platform, what, () => {
      const body = asRecord(answer.body, 'the answer');
      const data = asArray(body.data, 'data');
      const paging = body.paging === undefined ? {} : asRecord(body.paging, 'paging');
      const nextUrl = asOptionalString(paging.next, 'paging.next');
      let nextCursor: string | undefined;
      if (nextUrl !== undefined) {
        const cursors = isRecord(paging.cursors) ? paging.cursors : {};
        nextCursor = cursorOf(nextUrl) ?? asOptionalString(cursors.after, 'paging.cursors.after');
        if (nextCursor === undefined) {
          throw unexpectedShape(http.platform, what, 'paging.next has no after cursor');
        }
      }
      return {
        posts: data.map((item, i) => toPost(asRecord(item, `data[${i}]`))),
        next: nextCursor,
      };
    });
    const { kept, reachedSince } = withinWindow(posts, options);
    yield { posts: kept, apiCalls: 1 };
    if (reachedSince || next === undefined) return;
    if (seen.has(next)) throw unexpectedShape(http.platform, what, 'paging.next repeats a cursor');
    seen.add(next);
    after = next;
  }
}

function cursorOf(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('after') ?? undefined;
  } catch {
    return undefined;
  }
}

/** A Graph insights answer (`{data:[{name, values:[{value}]}]}`) as a reading. */
export function readingOfInsights(
  platform: Platform,
  externalId: string,
  body: unknown,
  reachMetric: string,
): ReachReading {
  return readShape(platform, `insights of post ${externalId}`, () => {
    const data = asArray(asRecord(body, 'the answer').data, 'data');
    const metrics: Record<string, number> = {};
    data.forEach((item, i) => {
      const m = asRecord(item, `data[${i}]`);
      const values = asArray(m.values, `data[${i}].values`);
      const last = values[values.length - 1];
      const value = isRecord(last) ? last.value : undefined;
      if (typeof m.name === 'string' && typeof value === 'number') metrics[m.name] = value;
    });
    return {
      externalId,
      reach: metrics[reachMetric] ?? null,
      metric: reachMetric,
      metrics,
      raw: data,
    };
  });
}

/**
 * The insights metrics a connector asks for: the reach metric (required) and optional ones.
 * An optional metric the platform refuses is dropped for the life of the connector instance.
 */
export class InsightsMetrics {
  private readonly dropped = new Set<string>();

  constructor(
    readonly reach: string,
    private readonly optional: readonly string[],
  ) {}

  /** The metrics to ask for now, reach first. */
  current(): string[] {
    return [this.reach, ...this.optionalNow()];
  }

  optionalNow(): string[] {
    return this.optional.filter((m) => !this.dropped.has(m));
  }

  /** Drop metrics; returns those not dropped before. */
  drop(metrics: readonly string[]): string[] {
    const fresh = metrics.filter((m) => !this.dropped.has(m));
    for (const m of fresh) this.dropped.add(m);
    return fresh;
  }
}
