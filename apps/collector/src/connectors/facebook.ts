/**
 * Facebook Page connector (Graph API with a Page token).
 *
 * - Discovery: `GET /{page-id}/published_posts?fields=…&limit=100`, newest first, cursor paging.
 * - Reach: one Batch API call (`POST /` with `batch=[…]`) of up to 50
 *   `GET {post-id}/insights?metric=post_total_media_view_unique,post_media_view` items. The batch
 *   saves round trips, not quota: Meta counts every item as a call. Items answered `null` (not
 *   completed) or with a transient error (960 batch timeout) are sent again in a smaller batch,
 *   at most twice, then reported as `retry` failures.
 * - A retired metric fails every item with `(#100) The value must be a valid insights metric`;
 *   one probe batch tells which optional metric it is, and that metric is dropped for good.
 */
import { REACH_METRICS } from '@reachline/shared';
import { checkBatch, emptyResult, finishBatch } from './batchResult';
import { graphDiscovery, InsightsMetrics, readingOfInsights } from './graph';
import { isRefusedMetric, PlatformHttp, postFailure, type BatchItemOutcome } from './http';
import { titleOf, hashtagsOf } from './postText';
import { asId, asInstant, asOptionalString, type Json } from './shape';
import {
  PlatformError,
  type Connector,
  type ConnectorAccount,
  type ConnectorOptions,
  type DiscoveredPost,
  type DiscoveryOptions,
  type DiscoveryPage,
  type ReachBatchResult,
} from './types';

/** Most requests the Graph accepts in one batch. */
export const FACEBOOK_BATCH_LIMIT = 50;
/** Follow-up batches for items that did not complete (null) or timed out (960). */
const ITEM_RETRIES = 2;
/** Views: kept beside reach while the platform serves it. */
const OPTIONAL_METRICS = ['post_media_view'];
const POST_FIELDS = 'id,created_time,message,permalink_url,status_type';

export class FacebookConnector implements Connector {
  readonly platform = 'facebook' as const;
  readonly batchLimit = FACEBOOK_BATCH_LIMIT;
  private readonly http: PlatformHttp;
  private readonly metrics = new InsightsMetrics(REACH_METRICS.facebook.metric, OPTIONAL_METRICS);

  constructor(options: ConnectorOptions) {
    this.http = new PlatformHttp('facebook', options);
  }

  discover(account: ConnectorAccount, options: DiscoveryOptions): AsyncIterable<DiscoveryPage> {
    return graphDiscovery(
      this.http,
      account,
      `/${encodeURIComponent(account.externalId)}/published_posts`,
      POST_FIELDS,
      postOf,
      options,
    );
  }

  async readReach(
    account: ConnectorAccount,
    externalIds: readonly string[],
  ): Promise<ReachBatchResult> {
    checkBatch(this.platform, account, externalIds, this.batchLimit);
    const result = emptyResult();
    let pending = [...new Set(externalIds)];
    let followUps = 0;
    let metricChecks = 0;
    while (pending.length > 0) {
      const metrics = this.metrics.current();
      const ids = pending;
      let outcomes: BatchItemOutcome[];
      try {
        outcomes = await this.batch(account, ids, metrics, result);
      } catch (err) {
        // A follow-up batch failing as a whole must not lose what the first one read.
        if (!(err instanceof PlatformError) || followUps === 0) throw err;
        for (const externalId of ids) result.failures.push({ externalId, error: err });
        break;
      }
      const refused = outcomes.find(
        (o): o is PlatformError => o instanceof PlatformError && isRefusedMetric(o),
      );
      // Another batch on this connector may have dropped the refused metric meanwhile: then
      // there is nothing to probe, only to ask again with the current list.
      if (refused && metrics.some((m) => !this.metrics.current().includes(m))) continue;
      if (refused && metricChecks < 2) {
        metricChecks++;
        const index = outcomes.indexOf(refused);
        const culprits = await this.refusedMetrics(account, ids[index] as string, refused, result);
        result.droppedMetrics.push(...this.metrics.drop(culprits));
        if (culprits.length > 0) continue;
      }
      const again: string[] = [];
      outcomes.forEach((o, i) => {
        const externalId = ids[i] as string;
        if (o === null || (o instanceof PlatformError && o.failureClass === 'retry')) {
          if (followUps < ITEM_RETRIES) again.push(externalId);
          else result.failures.push({ externalId, error: o ?? notCompleted(externalId) });
        } else if (o instanceof PlatformError) {
          result.failures.push({ externalId, error: o });
        } else {
          result.readings.push(
            readingOfInsights(this.platform, externalId, o.body, this.metrics.reach),
          );
        }
      });
      if (again.length > 0) followUps++;
      pending = again;
    }
    return finishBatch(result);
  }

  private async batch(
    account: ConnectorAccount,
    ids: readonly string[],
    metrics: readonly string[],
    result: ReachBatchResult,
  ): Promise<BatchItemOutcome[]> {
    result.apiCalls++;
    return this.http.graphBatch(
      account,
      ids.map((id) => insightsUrl(id, metrics)),
      `reading insights of ${ids.length} posts`,
      (i) => `reading insights of post ${ids[i]}`,
    );
  }

  /**
   * Which optional metrics the Graph refuses, from one probe batch on one post: reach alone, then
   * reach with each optional metric. Reach itself refused is the whole call's failure.
   */
  private async refusedMetrics(
    account: ConnectorAccount,
    externalId: string,
    refusal: PlatformError,
    result: ReachBatchResult,
  ): Promise<string[]> {
    const optional = this.metrics.optionalNow();
    const reach = this.metrics.reach;
    result.apiCalls++;
    const probes = await this.http.graphBatch(
      account,
      [
        insightsUrl(externalId, [reach]),
        ...optional.map((m) => insightsUrl(externalId, [reach, m])),
      ],
      'checking which insights metric is retired',
      (i) => `checking the metric ${i === 0 ? reach : optional[i - 1]}`,
    );
    const isRefused = (o: BatchItemOutcome | undefined) =>
      o instanceof PlatformError && isRefusedMetric(o);
    if (isRefused(probes[0])) throw refusal;
    return optional.filter((_, i) => isRefused(probes[i + 1]));
  }
}

function insightsUrl(externalId: string, metrics: readonly string[]): string {
  return `${encodeURIComponent(externalId)}/insights?metric=${metrics.join(',')}`;
}

function notCompleted(externalId: string): PlatformError {
  return postFailure(
    'facebook',
    externalId,
    'retry',
    `the batch item did not complete in ${ITEM_RETRIES + 1} tries`,
    'batch_item_null',
  );
}

function postOf(item: Json): DiscoveredPost {
  const externalId = asId(item.id, 'id');
  const text = asOptionalString(item.message, 'message') ?? '';
  const [page, post] = externalId.split('_');
  return {
    externalId,
    url:
      asOptionalString(item.permalink_url, 'permalink_url') ??
      `https://www.facebook.com/${page}/posts/${post ?? page}`,
    title: titleOf(text),
    text,
    hashtags: hashtagsOf(text),
    mediaType: asOptionalString(item.status_type, 'status_type') ?? null,
    publishedAt: asInstant(item.created_time, 'created_time'),
  };
}
