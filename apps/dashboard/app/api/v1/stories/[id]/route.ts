import { reachMetricOf } from '@reachline/shared';
import { authorize } from '../../../../../lib/auth/guard';
import { getStore, storeProblemOf } from '../../../../../lib/db';
import { rowOf, statusOf } from '../../../../../lib/live/readModel';
import { countedPlatformsOf, problemResponse, storyJson } from '../../../../../lib/queries/stories';

export const dynamic = 'force-dynamic';

/**
 * `GET /api/v1/stories/{id}`: one story with its member posts, read from the store by `_id` (the
 * story, then each post), so it is current even before the read model hears of a change.
 */
export async function GET(request: Request, ctx: { params: Promise<{ id: string }> }) {
  const caller = await authorize(request, 'viewer');
  if (caller instanceof Response) return caller;
  const { id } = await ctx.params;
  if (!/^[0-9a-f]{24}$/i.test(id))
    return problemResponse({ key: 'storiesBadId', vars: { value: id.slice(0, 40) } });
  try {
    const { models } = await getStore();
    const doc = await models.Story.findById(id).lean();
    if (!doc) return problemResponse({ key: 'storiesUnknownId', vars: { value: id } }, 404);
    const row = rowOf(doc);
    const posts = await Promise.all(
      row.members.map((m) =>
        models.Post.findById(m.postId, {
          url: 1,
          title: 1,
          publishedAt: 1,
          latestReach: 1,
          latestReachAt: 1,
          latestReachSource: 1,
          reachMetric: 1,
          nextHarvestAt: 1,
        }).lean(),
      ),
    );
    const members = row.members.map((m, i) => {
      const post = posts[i];
      return {
        postId: m.postId,
        platform: m.platform,
        counted: m.counted,
        reach: m.reach,
        reachMetric: { platform: m.platform, ...reachMetricOf(m.platform) },
        url: post?.url ?? null,
        title: post?.title ?? null,
        publishedAt: post?.publishedAt?.toISOString() ?? null,
        latestReachAt: post?.latestReachAt?.toISOString() ?? null,
        latestReachSource: post?.latestReachSource ?? null,
        nextHarvestAt: post?.nextHarvestAt?.toISOString() ?? null,
      };
    });
    const item = {
      row,
      status: statusOf(row, new Date()),
      countedPlatforms: countedPlatformsOf(row),
    };
    return Response.json(
      { ...storyJson(item), projectId: row.projectId, members },
      { headers: { 'cache-control': 'no-store' } },
    );
  } catch (err) {
    const problem = storeProblemOf(err);
    if (problem)
      return Response.json(
        { error: problem.message },
        { status: 503, headers: { 'retry-after': '5', 'cache-control': 'no-store' } },
      );
    throw err;
  }
}
