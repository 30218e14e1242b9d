/**
 * X connector (API v2, user token).
 *
 * - Discovery: `GET /2/users/{id}/tweets?max_results=100&tweet.fields=created_at`, newest first,
 *   `pagination_token` from `meta.next_token`.
 * - Reach: `GET /2/tweets?ids=…&tweet.fields=public_metrics`, up to 100 ids per call (one call
 *   against the 15-minute window whatever the number of ids). X has no reach: `impression_count`
 *   stands for it. Deleted or protected posts come back as HTTP 200 with an `errors` entry.
 */
import { REACH_METRICS } from '@reachline/shared';
import { checkBatch, emptyResult, finishBatch, failLeftOut } from './batchResult';
import { withinWindow } from './discoveryWindow';
import { PlatformHttp, postFailure, xPostError } from './http';
import { hashtagsOf, titleOf } from './postText';
import {
  asArray,
  asId,
  asInstant,
  asOptionalString,
  asRecord,
  isRecord,
  numericEntries,
  readShape,
  type Json,
} from './shape';
import type {
  Connector,
  ConnectorAccount,
  ConnectorOptions,
  DiscoveredPost,
  DiscoveryOptions,
  DiscoveryPage,
  ReachBatchResult,
} from './types';

export const X_BATCH_LIMIT = 100;
const TIMELINE_PAGE_SIZE = 100;
const POST_ID = /^\d{1,19}$/;

export class XConnector implements Connector {
  readonly platform = 'x' as const;
  readonly batchLimit = X_BATCH_LIMIT;
  private readonly http: PlatformHttp;

  constructor(options: ConnectorOptions) {
    this.http = new PlatformHttp('x', options);
  }

  async *discover(
    account: ConnectorAccount,
    options: DiscoveryOptions,
  ): AsyncGenerator<DiscoveryPage> {
    const what = 'listing posts';
    let token = options.cursor ?? undefined;
    for (;;) {
      const answer = await this.http.send(account, {
        path: `/2/users/${encodeURIComponent(account.externalId)}/tweets`,
        params: {
          max_results: TIMELINE_PAGE_SIZE,
          'tweet.fields': 'created_at',
          pagination_token: token,
        },
        what,
      });
      const { posts, next } = readShape(this.platform, what, () => {
        const body = asRecord(answer.body, 'the answer');
        const data = body.data === undefined ? [] : asArray(body.data, 'data');
        const meta = body.meta === undefined ? {} : asRecord(body.meta, 'meta');
        return {
          posts: data.map((t, i) => postOf(asRecord(t, `data[${i}]`))),
          next: asOptionalString(meta.next_token, 'meta.next_token'),
        };
      });
      const { kept, reachedSince } = withinWindow(posts, options);
      yield { posts: kept, apiCalls: 1 };
      if (reachedSince || next === undefined || next === token) return;
      token = next;
    }
  }

  async readReach(
    account: ConnectorAccount,
    externalIds: readonly string[],
  ): Promise<ReachBatchResult> {
    checkBatch(this.platform, account, externalIds, this.batchLimit);
    const result = emptyResult();
    const ids = [...new Set(externalIds)];
    // X refuses the whole call for one malformed id; such an id can only be a bug of ours.
    for (const id of ids.filter((x) => !POST_ID.test(x))) {
      result.failures.push({
        externalId: id,
        error: postFailure(this.platform, id, 'bad_request', 'not an X post id'),
      });
    }
    const valid = ids.filter((x) => POST_ID.test(x));
    if (valid.length === 0) return result;
    const what = `reading metrics of ${valid.length} posts`;
    result.apiCalls++;
    const answer = await this.http.send(account, {
      path: '/2/tweets',
      params: { ids: valid.join(','), 'tweet.fields': 'public_metrics' },
      what,
    });
    const { data, errors } = readShape(this.platform, what, () => {
      const body = asRecord(answer.body, 'the answer');
      return {
        data: body.data === undefined ? [] : asArray(body.data, 'data'),
        errors: body.errors === undefined ? [] : asArray(body.errors, 'errors'),
      };
    });
    const answered = new Set<string>();
    const reach = REACH_METRICS.x.metric;
    readShape(this.platform, what, () => {
      data.forEach((item, i) => {
        const t = asRecord(item, `data[${i}]`);
        const externalId = asId(t.id, `data[${i}].id`);
        const metrics = numericEntries(asRecord(t.public_metrics, `data[${i}].public_metrics`));
        answered.add(externalId);
        result.readings.push({
          externalId,
          reach: metrics[reach] ?? null,
          metric: reach,
          metrics,
          raw: t,
        });
      });
    });
    for (const e of errors) {
      if (!isRecord(e)) continue;
      const id =
        typeof e.resource_id === 'string'
          ? e.resource_id
          : typeof e.value === 'string'
            ? e.value
            : '';
      if (!valid.includes(id) || answered.has(id)) continue;
      answered.add(id);
      result.failures.push({ externalId: id, error: xPostError(id, e) });
    }
    failLeftOut(result, this.platform, valid, answered, 'retry', 'the answer left it out');
    return finishBatch(result);
  }
}

function postOf(t: Json): DiscoveredPost {
  const externalId = asId(t.id, 'id');
  const text = asOptionalString(t.text, 'text') ?? '';
  return {
    externalId,
    url: `https://x.com/i/web/status/${externalId}`,
    title: titleOf(text),
    text,
    hashtags: hashtagsOf(text),
    mediaType: null,
    publishedAt: asInstant(t.created_at, 'created_at'),
  };
}
