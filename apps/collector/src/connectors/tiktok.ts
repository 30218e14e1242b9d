/**
 * TikTok connector (Display API, user token with `video.list`).
 *
 * - Discovery: `POST /v2/video/list/?fields=…` with `{max_count: 20, cursor}`, newest first,
 *   until `has_more` is false.
 * - Reach: `POST /v2/video/query/?fields=id,view_count,…` with `{filters:{video_ids:[…]}}`, up
 *   to 20 ids per call. The Display API has no reach: `view_count` stands for it. Videos the
 *   answer leaves out are gone (deleted, private) or not this account's.
 */
import { REACH_METRICS } from '@reachline/shared';
import { checkBatch, emptyResult, finishBatch, failLeftOut } from './batchResult';
import { withinWindow } from './discoveryWindow';
import { PlatformHttp } from './http';
import { hashtagsOf, titleOf } from './postText';
import {
  asArray,
  asId,
  asInstant,
  asOptionalString,
  asRecord,
  numericEntries,
  readShape,
  ShapeError,
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

export const TIKTOK_BATCH_LIMIT = 20;
const LIST_PAGE_SIZE = 20;
const METRIC_FIELDS = 'id,view_count,like_count,comment_count,share_count';
const LIST_FIELDS = 'id,create_time,title,video_description,share_url';

export class TikTokConnector implements Connector {
  readonly platform = 'tiktok' as const;
  readonly batchLimit = TIKTOK_BATCH_LIMIT;
  private readonly http: PlatformHttp;

  constructor(options: ConnectorOptions) {
    this.http = new PlatformHttp('tiktok', options);
  }

  async *discover(
    account: ConnectorAccount,
    options: DiscoveryOptions,
  ): AsyncGenerator<DiscoveryPage> {
    const what = 'listing videos';
    let cursor = options.cursor ? Number(options.cursor) : undefined;
    for (;;) {
      const body: Record<string, unknown> = { max_count: LIST_PAGE_SIZE };
      if (cursor !== undefined && Number.isSafeInteger(cursor)) body.cursor = cursor;
      const answer = await this.http.send(account, {
        method: 'POST',
        path: '/v2/video/list/',
        params: { fields: LIST_FIELDS },
        body,
        what,
      });
      const page = readShape(this.platform, what, () => {
        const data = asRecord(asRecord(answer.body, 'the answer').data, 'data');
        const videos = asArray(data.videos ?? [], 'data.videos');
        const next = data.cursor;
        if (next !== undefined && (typeof next !== 'number' || !Number.isSafeInteger(next))) {
          throw new ShapeError('data.cursor', 'an integer');
        }
        return {
          posts: videos.map((v, i) => videoOf(asRecord(v, `data.videos[${i}]`))),
          next,
          hasMore: data.has_more === true,
        };
      });
      const { kept, reachedSince } = withinWindow(page.posts, options);
      yield { posts: kept, apiCalls: 1 };
      if (reachedSince || !page.hasMore || page.next === undefined || page.next === cursor) return;
      cursor = page.next;
    }
  }

  async readReach(
    account: ConnectorAccount,
    externalIds: readonly string[],
  ): Promise<ReachBatchResult> {
    checkBatch(this.platform, account, externalIds, this.batchLimit);
    const result = emptyResult();
    const ids = [...new Set(externalIds)];
    if (ids.length === 0) return result;
    const what = `reading metrics of ${ids.length} videos`;
    result.apiCalls++;
    const answer = await this.http.send(account, {
      method: 'POST',
      path: '/v2/video/query/',
      params: { fields: METRIC_FIELDS },
      body: { filters: { video_ids: ids } },
      what,
    });
    const reach = REACH_METRICS.tiktok.metric;
    const answered = new Set<string>();
    readShape(this.platform, what, () => {
      const data = asRecord(asRecord(answer.body, 'the answer').data, 'data');
      asArray(data.videos ?? [], 'data.videos').forEach((item, i) => {
        const v = asRecord(item, `data.videos[${i}]`);
        const externalId = asId(v.id, `data.videos[${i}].id`);
        if (!ids.includes(externalId) || answered.has(externalId)) return;
        answered.add(externalId);
        const metrics = numericEntries(v);
        result.readings.push({
          externalId,
          reach: metrics[reach] ?? null,
          metric: reach,
          metrics,
          raw: v,
        });
      });
    });
    failLeftOut(
      result,
      this.platform,
      ids,
      answered,
      'not_found',
      'the answer left it out: deleted, private or not this account’s',
    );
    return finishBatch(result);
  }
}

function videoOf(v: Json): DiscoveredPost {
  const externalId = asId(v.id, 'id');
  const text = asOptionalString(v.video_description, 'video_description') ?? '';
  const title = titleOf(text) || titleOf(asOptionalString(v.title, 'title') ?? '');
  return {
    externalId,
    url:
      asOptionalString(v.share_url, 'share_url') ?? `https://www.tiktok.com/@/video/${externalId}`,
    title,
    text,
    hashtags: hashtagsOf(text),
    mediaType: 'video',
    publishedAt: asInstant(v.create_time, 'create_time'),
  };
}
