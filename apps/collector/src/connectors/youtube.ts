/**
 * YouTube connector (Data API v3; an API key `AIza…` goes in `key=`, an OAuth token in a header).
 *
 * - Discovery: `channels.list?part=contentDetails&id={channel}` for the uploads playlist, then
 *   `playlistItems.list?part=snippet,contentDetails&maxResults=50` with `pageToken`, newest first.
 *   One quota unit each; `search.list` (100 units) is never used.
 * - Reach: `videos.list?part=statistics&id=…`, up to 50 ids, one quota unit per call whatever the
 *   number of ids. YouTube has no reach: `viewCount` (a string) stands for it. Unknown, deleted
 *   and private videos are left out of `items`.
 */
import { REACH_METRICS } from '@reachline/shared';
import { checkBatch, emptyResult, finishBatch, failLeftOut } from './batchResult';
import { withinWindow } from './discoveryWindow';
import { PlatformHttp } from './http';
import { PLATFORM_LABELS } from './labels';
import { hashtagsOf, titleOf } from './postText';
import {
  asArray,
  asCount,
  asId,
  asInstant,
  asOptionalString,
  asRecord,
  isRecord,
  readShape,
  type Json,
} from './shape';
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

export const YOUTUBE_BATCH_LIMIT = 50;
const PLAYLIST_PAGE_SIZE = 50;

export class YouTubeConnector implements Connector {
  readonly platform = 'youtube' as const;
  readonly batchLimit = YOUTUBE_BATCH_LIMIT;
  private readonly http: PlatformHttp;

  constructor(options: ConnectorOptions) {
    this.http = new PlatformHttp('youtube', options);
  }

  async *discover(
    account: ConnectorAccount,
    options: DiscoveryOptions,
  ): AsyncGenerator<DiscoveryPage> {
    const uploads = await this.uploadsPlaylist(account);
    let calls = 1;
    const what = 'listing uploaded videos';
    let pageToken = options.cursor ?? undefined;
    for (;;) {
      const answer = await this.http.send(account, {
        path: '/playlistItems',
        params: {
          part: 'snippet,contentDetails',
          playlistId: uploads,
          maxResults: PLAYLIST_PAGE_SIZE,
          pageToken,
        },
        what,
      });
      calls++;
      const page = readShape(this.platform, what, () => {
        const body = asRecord(answer.body, 'the answer');
        const items = asArray(body.items ?? [], 'items');
        return {
          posts: items.map((it, i) => videoOf(asRecord(it, `items[${i}]`))),
          next: asOptionalString(body.nextPageToken, 'nextPageToken'),
        };
      });
      const { kept, reachedSince } = withinWindow(page.posts, options);
      yield { posts: kept, apiCalls: calls };
      calls = 0;
      if (reachedSince || page.next === undefined || page.next === pageToken) return;
      pageToken = page.next;
    }
  }

  private async uploadsPlaylist(account: ConnectorAccount): Promise<string> {
    const what = 'finding the uploads playlist';
    const answer = await this.http.send(account, {
      path: '/channels',
      params: { part: 'contentDetails', id: account.externalId },
      what,
    });
    const uploads = readShape(this.platform, what, () => {
      const items = asArray(asRecord(answer.body, 'the answer').items ?? [], 'items');
      const first = items[0];
      if (!isRecord(first)) return undefined;
      const details = asRecord(first.contentDetails, 'items[0].contentDetails');
      const related = asRecord(details.relatedPlaylists, 'items[0].relatedPlaylists');
      return asOptionalString(related.uploads, 'relatedPlaylists.uploads');
    });
    if (uploads === undefined) {
      throw new PlatformError(
        this.platform,
        'not_found',
        `${PLATFORM_LABELS[this.platform]} knows no channel ${account.externalId} with uploads; check the channel id of this account.`,
      );
    }
    return uploads;
  }

  async readReach(
    account: ConnectorAccount,
    externalIds: readonly string[],
  ): Promise<ReachBatchResult> {
    checkBatch(this.platform, account, externalIds, this.batchLimit);
    const result = emptyResult();
    const ids = [...new Set(externalIds)];
    if (ids.length === 0) return result;
    const what = `reading statistics of ${ids.length} videos`;
    result.apiCalls++;
    const answer = await this.http.send(account, {
      path: '/videos',
      params: { part: 'statistics', id: ids.join(',') },
      what,
    });
    const reach = REACH_METRICS.youtube.metric;
    const answered = new Set<string>();
    readShape(this.platform, what, () => {
      const items = asArray(asRecord(answer.body, 'the answer').items ?? [], 'items');
      items.forEach((item, i) => {
        const v = asRecord(item, `items[${i}]`);
        const externalId = asId(v.id, `items[${i}].id`);
        if (!ids.includes(externalId) || answered.has(externalId)) return;
        answered.add(externalId);
        const stats = asRecord(v.statistics, `items[${i}].statistics`);
        const metrics: Record<string, number> = {};
        for (const [k, x] of Object.entries(stats)) metrics[k] = asCount(x, `statistics.${k}`);
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
      'the answer left it out: deleted, private or unknown',
    );
    return finishBatch(result);
  }
}

function videoOf(item: Json): DiscoveredPost {
  const snippet = asRecord(item.snippet, 'snippet');
  const details = isRecord(item.contentDetails) ? item.contentDetails : {};
  const resource = isRecord(snippet.resourceId) ? snippet.resourceId : {};
  const externalId = asId(details.videoId ?? resource.videoId, 'contentDetails.videoId');
  const text = asOptionalString(snippet.description, 'snippet.description') ?? '';
  const ownTitle = asOptionalString(snippet.title, 'snippet.title') ?? '';
  return {
    externalId,
    url: `https://www.youtube.com/watch?v=${externalId}`,
    title: titleOf(ownTitle) || titleOf(text),
    text,
    hashtags: hashtagsOf(`${ownTitle}\n${text}`),
    mediaType: 'video',
    // The playlist item's own publishedAt is when it was added; the video's is in contentDetails.
    publishedAt: asInstant(
      details.videoPublishedAt ?? snippet.publishedAt,
      'contentDetails.videoPublishedAt',
    ),
  };
}
