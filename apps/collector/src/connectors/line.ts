/**
 * LINE Official Account connector (Messaging API, channel access token).
 *
 * No Messaging API endpoint lists past broadcasts, so a LINE "post" is one of two things:
 * - a custom aggregation unit (`infographic_20210415_1`), discovered through
 *   `GET /v2/bot/message/aggregation/list` (the units used this month, JST, paged by `next`) and
 *   read through `GET /v2/bot/insight/message/event/aggregation?customAggregationUnit=&from=&to=`;
 *   its date comes from the name (`_yyyyMMdd_`, Bangkok date, the office's naming rule), else the
 *   start of the month it was listed in. Discovery must run at least monthly: units of a past
 *   month are no longer listed.
 * - a broadcast's request id (UUID), entered by an editor, read through
 *   `GET /v2/bot/insight/message/event?requestId=…`.
 *
 * Either way one call per post, two at a time: each insight endpoint allows 60 requests an hour
 * per channel. `overview.uniqueImpression` is the reach; LINE withholds numbers under 20 (`null`),
 * which is a reading with reach null, not a failure.
 */
import { REACH_METRICS } from '@reachline/shared';
import { checkBatch, finishBatch, readEach } from './batchResult';
import { PlatformHttp } from './http';
import {
  asArray,
  asOptionalString,
  asRecord,
  asString,
  isRecord,
  numericEntries,
  readShape,
  ShapeError,
} from './shape';
import type {
  Connector,
  ConnectorAccount,
  ConnectorOptions,
  DiscoveredPost,
  DiscoveryOptions,
  DiscoveryPage,
  ReachBatchResult,
  ReachReading,
  ReadReachOptions,
} from './types';

/** Broadcasts per `readReach` call; each is one HTTP call against 60 an hour. */
export const LINE_BATCH_LIMIT = 20;
const CONCURRENCY = 2;
const UNIT_PAGE_SIZE = 100;

export class LineConnector implements Connector {
  readonly platform = 'line' as const;
  readonly batchLimit = LINE_BATCH_LIMIT;
  private readonly http: PlatformHttp;

  constructor(options: ConnectorOptions) {
    this.http = new PlatformHttp('line', options);
  }

  async *discover(
    account: ConnectorAccount,
    options: DiscoveryOptions,
  ): AsyncGenerator<DiscoveryPage> {
    const what = 'listing custom aggregation units';
    // The collector's clock, not the wall's: the demo and tests run on a simulated one.
    const listedIn = monthStartJst((options.until ?? new Date()).getTime());
    let start = options.cursor ?? undefined;
    for (;;) {
      const answer = await this.http.send(account, {
        path: '/v2/bot/message/aggregation/list',
        params: { limit: UNIT_PAGE_SIZE, start },
        what,
      });
      const page = readShape(this.platform, what, () => {
        const body = asRecord(answer.body, 'the answer');
        const units = asArray(body.customAggregationUnits ?? [], 'customAggregationUnits');
        return {
          units: units.map((u, i) => asString(u, `customAggregationUnits[${i}]`)),
          next: asOptionalString(body.next, 'next'),
        };
      });
      const posts = page.units
        .map((unit) => unitPost(unit, listedIn))
        .filter((p) => withinDay(p.publishedAt, options));
      yield { posts, apiCalls: 1 };
      if (page.next === undefined || page.next === start) return;
      start = page.next;
    }
  }

  async readReach(
    account: ConnectorAccount,
    externalIds: readonly string[],
    options: ReadReachOptions = {},
  ): Promise<ReachBatchResult> {
    checkBatch(this.platform, account, externalIds, this.batchLimit);
    const now = (options.now ?? new Date()).getTime();
    const result = await readEach([...new Set(externalIds)], CONCURRENCY, (id, r) =>
      this.readOne(account, id, r, now),
    );
    return finishBatch(result);
  }

  private async readOne(
    account: ConnectorAccount,
    externalId: string,
    result: ReachBatchResult,
    now: number,
  ): Promise<ReachReading> {
    const unit = UNIT_NAME.test(externalId);
    const what = unit
      ? `reading the statistics of unit ${externalId}`
      : `reading the statistics of broadcast ${externalId}`;
    result.apiCalls++;
    const answer = await this.http.send(account, {
      path: unit ? '/v2/bot/insight/message/event/aggregation' : '/v2/bot/insight/message/event',
      params: unit ? unitPeriod(externalId, now) : { requestId: externalId },
      what,
    });
    const reach = REACH_METRICS.line.metric;
    return readShape(this.platform, what, () => {
      const body = asRecord(answer.body, 'the answer');
      const overview = asRecord(body.overview, 'overview');
      const metrics = numericEntries(overview);
      delete metrics.timestamp;
      // Per-bubble opens (non-unique), summed over the message's bubbles, when LINE shows them.
      const messages = body.messages === undefined ? [] : asArray(body.messages, 'messages');
      const impressions = messages
        .map((m) => (isRecord(m) ? m.impression : undefined))
        .filter((x): x is number => typeof x === 'number');
      if (impressions.length > 0) metrics.impression = impressions.reduce((a, b) => a + b, 0);
      const value = overview[reach];
      if (value !== null && typeof value !== 'number') {
        throw new ShapeError(`overview.${reach}`, 'a number or null');
      }
      return { externalId, reach: value, metric: reach, metrics, raw: body };
    });
  }
}

const DAY_MS = 86_400_000;
const JST_MS = 9 * 3_600_000;
const BANGKOK_MS = 7 * 3_600_000;
/** LINE's rule for unit names; a request id (UUID) never matches it. */
const UNIT_NAME = /^[A-Za-z0-9_]{1,30}$/;
/** The send date the office writes into a unit's name: `infographic_20210415_1`. */
const UNIT_DATE = /(?:^|_)(\d{4})(\d{2})(\d{2})(?:_|$)/;

function monthStartJst(ms: number): number {
  const d = new Date(ms + JST_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - JST_MS;
}

/** 00:00 Bangkok of the date in a unit's name, or undefined when it has none. */
function unitDate(unit: string): number | undefined {
  const m = UNIT_DATE.exec(unit);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return t - BANGKOK_MS;
}

function unitPost(unit: string, listedIn: number): DiscoveredPost {
  return {
    externalId: unit,
    url: '',
    title: unit,
    text: '',
    hashtags: [],
    mediaType: null,
    publishedAt: new Date(unitDate(unit) ?? listedIn),
  };
}

/** A unit's date is a whole day: keep it when that day overlaps [since, until]. */
function withinDay(day: Date, options: DiscoveryOptions): boolean {
  const start = day.getTime();
  if (options.until && start > options.until.getTime()) return false;
  if (options.since && start + DAY_MS <= options.since.getTime()) return false;
  return true;
}

/** `yyyyMMdd` in JST, the calendar LINE's statistics periods use. */
function jstDay(ms: number): string {
  return new Date(ms + JST_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * The statistics period of a unit: from its date (Bangkok midnight is the same JST date) for up
 * to 30 days (LINE's longest period; statistics stop changing 14 days after a send), never past
 * today; without a date in the name, the last 30 days.
 */
function unitPeriod(
  unit: string,
  now: number,
): { customAggregationUnit: string; from: string; to: string } {
  const dated = unitDate(unit);
  const from = dated ?? now - 30 * DAY_MS;
  const to = Math.max(from, Math.min(from + 30 * DAY_MS, now));
  return { customAggregationUnit: unit, from: jstDay(from), to: jstDay(to) };
}
