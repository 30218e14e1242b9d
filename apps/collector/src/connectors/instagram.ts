/**
 * Instagram connector (Instagram API with Facebook Login, on the Graph).
 *
 * - Discovery: `GET /{ig-user-id}/media?fields=…&limit=100`, newest first, cursor paging.
 * - Reach: one `GET /{media-id}/insights?metric=reach,views` per media, four at a time. There is
 *   no multi-media insights call, and the simulator's Instagram serves no Batch API (the real
 *   Graph would take IG items in a Facebook-style batch; it would save round trips, not quota).
 * - `(#10) Not enough viewers for the media to show insights` is a withheld number (reach null),
 *   not a permission problem.
 * - A retired metric ("… metric is no longer supported", "metric[i] must be one of …") fails the
 *   call; probe calls on that media tell which optional metric it is, and it is dropped for good.
 */
import { REACH_METRICS } from '@reachline/shared';
import { checkBatch, finishBatch, readEach } from './batchResult';
import { graphDiscovery, InsightsMetrics, readingOfInsights } from './graph';
import { isInsightsWithheld, isRefusedMetric, PlatformHttp } from './http';
import { hashtagsOf, titleOf } from './postText';
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
  type ReachReading,
} from './types';

/** Media per `readReach` call; each media is one HTTP call. */
export const INSTAGRAM_BATCH_LIMIT = 50;
const CONCURRENCY = 4;
const OPTIONAL_METRICS = ['views'];
const MEDIA_FIELDS = 'id,caption,media_type,timestamp,permalink';

export class InstagramConnector implements Connector {
  readonly platform = 'instagram' as const;
  readonly batchLimit = INSTAGRAM_BATCH_LIMIT;
  private readonly http: PlatformHttp;
  private readonly metrics = new InsightsMetrics(REACH_METRICS.instagram.metric, OPTIONAL_METRICS);
  /** The probe in flight, so concurrent refusals wait for one answer instead of probing each. */
  private probing: Promise<string[]> | undefined;

  constructor(options: ConnectorOptions) {
    this.http = new PlatformHttp('instagram', options);
  }

  discover(account: ConnectorAccount, options: DiscoveryOptions): AsyncIterable<DiscoveryPage> {
    return graphDiscovery(
      this.http,
      account,
      `/${encodeURIComponent(account.externalId)}/media`,
      MEDIA_FIELDS,
      mediaOf,
      options,
    );
  }

  async readReach(
    account: ConnectorAccount,
    externalIds: readonly string[],
  ): Promise<ReachBatchResult> {
    checkBatch(this.platform, account, externalIds, this.batchLimit);
    const result = await readEach([...new Set(externalIds)], CONCURRENCY, (id, r) =>
      this.readOne(account, id, r),
    );
    return finishBatch(result);
  }

  private async readOne(
    account: ConnectorAccount,
    externalId: string,
    result: ReachBatchResult,
  ): Promise<ReachReading> {
    for (let attempt = 0; ; attempt++) {
      const metrics = this.metrics.current();
      try {
        result.apiCalls++;
        const answer = await this.insights(account, externalId, metrics);
        return readingOfInsights(this.platform, externalId, answer, this.metrics.reach);
      } catch (err) {
        if (!(err instanceof PlatformError)) throw err;
        if (isInsightsWithheld(err)) {
          const reach = this.metrics.reach;
          return { externalId, reach: null, metric: reach, metrics: {}, raw: null };
        }
        if (!isRefusedMetric(err) || attempt >= 2) throw err;
        // Another post may have settled it meanwhile: only probe if nothing changed since.
        if (this.metrics.current().join() === metrics.join()) {
          this.probing ??= this.refusedMetrics(account, externalId, err, result).finally(() => {
            this.probing = undefined;
          });
          const culprits = await this.probing;
          result.droppedMetrics.push(...this.metrics.drop(culprits));
          if (culprits.length === 0) throw err;
        }
      }
    }
  }

  private async insights(
    account: ConnectorAccount,
    externalId: string,
    metrics: readonly string[],
  ): Promise<unknown> {
    const answer = await this.http.send(account, {
      path: `/${encodeURIComponent(externalId)}/insights`,
      params: { metric: metrics.join(',') },
      what: `reading insights of media ${externalId}`,
    });
    return answer.body;
  }

  /** Reach alone, then reach with each optional metric: the refused ones are the culprits. */
  private async refusedMetrics(
    account: ConnectorAccount,
    externalId: string,
    refusal: PlatformError,
    result: ReachBatchResult,
  ): Promise<string[]> {
    const reach = this.metrics.reach;
    const refuses = async (metrics: string[]): Promise<boolean> => {
      try {
        result.apiCalls++;
        await this.insights(account, externalId, metrics);
        return false;
      } catch (err) {
        if (err instanceof PlatformError && isInsightsWithheld(err)) return false;
        if (err instanceof PlatformError && isRefusedMetric(err)) return true;
        throw err;
      }
    };
    if (await refuses([reach])) throw refusal;
    const culprits: string[] = [];
    for (const m of this.metrics.optionalNow()) if (await refuses([reach, m])) culprits.push(m);
    return culprits;
  }
}

function mediaOf(item: Json): DiscoveredPost {
  const externalId = asId(item.id, 'id');
  const text = asOptionalString(item.caption, 'caption') ?? '';
  return {
    externalId,
    url: asOptionalString(item.permalink, 'permalink') ?? `https://www.instagram.com/`,
    title: titleOf(text),
    text,
    hashtags: hashtagsOf(text),
    mediaType: asOptionalString(item.media_type, 'media_type') ?? null,
    publishedAt: asInstant(item.timestamp, 'timestamp'),
  };
}
