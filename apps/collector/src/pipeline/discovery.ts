/**
 * Discovery of one account: list its posts since the last run (paged by the connector), store the
 * new ones by their deterministic `_id`, apply the fiscal year's infographic rule, and attach each
 * infographic to a story: a cross-post (same normalised title within 72 hours, any platform) joins
 * the existing story, anything else founds its own. New infographics are due for a first harvest
 * at once.
 */
import {
  matchesInfographicRule,
  normaliseTitle,
  reachMetricOf,
  withinCrossPostWindow,
} from '@reachline/shared';
import {
  DEFAULT_PROJECT_ID,
  periodFieldsOf,
  postObjectId,
  STORY_TITLE_KEYS,
  storyTitleKeyId,
  type PostDoc,
  type StoryTitleKeyDoc,
} from '@reachline/shared/models';
import type { Types } from 'mongoose';
import { connectorAccount, setTokenStatus } from '../accounts';
import { PlatformError, type DiscoveredPost } from '../connectors/types';
import { RetryLater, WaitUntil } from './jobErrors';
import type { CollectorContext } from './context';
import {
  applyStoryChangesLocked,
  type ProjectYear,
  publishStoryEvents,
  type StoryChange,
  withYearLock,
} from '@reachline/shared/store';

/** Posts can appear on a platform a little after their timestamp: re-list this much overlap. */
export const DISCOVERY_OVERLAP_MS = 3 * 24 * 60 * 60 * 1000;

/** The platform refused the listing as asked (a bug or an API change): not worth retrying. */
export class DiscoveryRefused extends Error {
  override name = 'DiscoveryRefused';
}

export interface DiscoverySummary {
  listed: number;
  stored: number;
  infographics: number;
  /** Posts that could not be stored (logged one by one). */
  skipped: number;
  apiCalls: number;
}

const titleKeyId = (year: ProjectYear, titleKey: string) =>
  storyTitleKeyId(year.projectId, year.fiscalYear, titleKey);

export async function discoverAccount(
  ctx: CollectorContext,
  accountId: Types.ObjectId | string,
): Promise<DiscoverySummary> {
  const { Account } = ctx.models;
  const summary: DiscoverySummary = {
    listed: 0,
    stored: 0,
    infographics: 0,
    skipped: 0,
    apiCalls: 0,
  };
  const account = await Account.findById(accountId).lean();
  if (!account || !account.enabled || account.tokenStatus !== 'ok') return summary;
  const coolUntil = await ctx.cooldowns.until(account.platform, account.externalId);
  if (coolUntil > 0)
    throw new WaitUntil(account.platform, coolUntil, `${account.platform} is cooling down`);
  const connector = ctx.connectors[account.platform];
  const now = ctx.clock.now();
  const newest = account.discoveryCursor ? new Date(account.discoveryCursor) : undefined;
  const since =
    newest && !Number.isNaN(newest.getTime())
      ? new Date(newest.getTime() - DISCOVERY_OVERLAP_MS)
      : undefined;
  let newestSeen = newest && !Number.isNaN(newest.getTime()) ? newest : undefined;

  try {
    for await (const page of connector.discover(connectorAccount(account, ctx.tokenKey), {
      since,
      until: now,
    })) {
      summary.apiCalls += page.apiCalls;
      summary.listed += page.posts.length;
      const toAttach: PostDoc[] = [];
      for (const found of page.posts) {
        if (found.publishedAt > now) continue;
        if (!newestSeen || found.publishedAt > newestSeen) newestSeen = found.publishedAt;
        let stored;
        try {
          stored = await storePost(ctx, account._id, account.platform, found);
        } catch (err) {
          // One malformed post must not stop the account's discovery; it is named and skipped.
          summary.skipped += 1;
          ctx.log.warn('post skipped: the platform sent something that cannot be stored', {
            platform: account.platform,
            post: found.externalId,
            error: (err as Error).message,
          });
          continue;
        }
        if (!stored) continue;
        if (stored.inserted) summary.stored += 1;
        if (stored.post.isInfographic && stored.post.storyId === null) toAttach.push(stored.post);
      }
      summary.infographics += toAttach.length;
      await attachToStories(ctx, toAttach, now);
    }
  } catch (err) {
    if (!(err instanceof PlatformError)) throw err;
    // What was stored so far stays; the cursor does not move, so the next run lists it again.
    switch (err.failureClass) {
      case 'throttled': {
        const until = await ctx.cooldowns.pauseFor(err, account.externalId);
        throw new WaitUntil(account.platform, until, err.message);
      }
      case 'token_invalid':
      case 'permission_missing':
        await setTokenStatus(
          ctx.models,
          ctx.redis,
          ctx.prefix,
          account,
          err.failureClass === 'token_invalid' ? 'expired' : 'insufficient_permission',
          now,
        );
        ctx.log.warn('account paused: token problem', {
          platform: account.platform,
          account: account.externalId,
          reason: err.message,
        });
        return summary;
      case 'retry':
        throw new RetryLater(err.message);
      default:
        throw new DiscoveryRefused(err.message);
    }
  }

  await Account.updateOne(
    { _id: account._id },
    {
      $set: {
        lastDiscoveredAt: now,
        ...(newestSeen ? { discoveryCursor: newestSeen.toISOString() } : {}),
      },
    },
  );
  return summary;
}

/** Inserts a newly found post; returns it (and whether it was new), or null if nothing to do. */
async function storePost(
  ctx: CollectorContext,
  accountId: Types.ObjectId,
  platform: PostDoc['platform'],
  found: DiscoveredPost,
): Promise<{ post: PostDoc; inserted: boolean } | null> {
  const { Post } = ctx.models;
  const _id = postObjectId(platform, found.externalId);
  const existing = await Post.findById(_id).lean();
  if (existing) {
    // Stored before; only an infographic left without a story (a crash mid-discovery) needs work.
    return existing.isInfographic && existing.storyId === null
      ? { post: existing, inserted: false }
      : null;
  }
  const period = periodFieldsOf(found.publishedAt);
  // The first project (in rule order) whose rule for that year matches counts the post.
  let projectId: Types.ObjectId | null = null;
  for (const candidate of await ctx.settings.projects()) {
    const settings = await ctx.settings.get(period.fiscalYear, candidate);
    if (matchesInfographicRule(found, settings.rule)) {
      projectId = candidate;
      break;
    }
  }
  const isInfographic = projectId !== null;
  const doc = {
    _id,
    platform,
    externalId: found.externalId,
    accountId,
    url: /^https?:\/\//.test(found.url) ? found.url : null,
    title: found.title.slice(0, 2000),
    text: found.text.slice(0, 20000),
    hashtags: found.hashtags,
    mediaType: found.mediaType,
    publishedAt: found.publishedAt,
    period,
    isInfographic,
    infographicReason: isInfographic ? ('rule' as const) : null,
    storyId: null,
    projectId,
    reachMetric: reachMetricOf(platform).metric,
  };
  try {
    const created = await Post.create(doc);
    return { post: created.toObject(), inserted: true };
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return null; // another process stored it
    throw err;
  }
}

/** Puts each infographic into its story (joining a cross-post's story when there is one). */
async function attachToStories(ctx: CollectorContext, posts: PostDoc[], now: Date): Promise<void> {
  const byYear = new Map<string, { year: ProjectYear; posts: PostDoc[] }>();
  for (const p of posts) {
    const year = { projectId: p.projectId ?? DEFAULT_PROJECT_ID, fiscalYear: p.period.fiscalYear };
    const key = `${String(year.projectId)}:${year.fiscalYear}`;
    const group = byYear.get(key) ?? { year, posts: [] };
    group.posts.push(p);
    byYear.set(key, group);
  }
  const keys = ctx.models.Story.db.collection<StoryTitleKeyDoc>(STORY_TITLE_KEYS);
  for (const { year, posts: yearPosts } of byYear.values()) {
    const events = await withYearLock(ctx, year, async () => {
      const changes: StoryChange[] = [];
      for (const post of yearPosts) {
        const titleKey = normaliseTitle(post.title);
        const keyId = titleKeyId(year, titleKey);
        const keyDoc = titleKey === '' ? null : await keys.findOne({ _id: keyId });
        const match = keyDoc?.entries.find((e) =>
          withinCrossPostWindow(e.publishedAt, post.publishedAt),
        );
        // A new story takes the founding post's id, so a re-run after a crash founds the same one.
        const storyId = match?.storyId ?? post._id;
        changes.push({
          kind: 'add',
          storyId,
          title: post.title,
          titleKey,
          publishedAt: post.publishedAt,
          post: { postId: post._id, platform: post.platform, reach: post.latestReach },
        });
        if (!match && titleKey !== '')
          await keys.updateOne(
            { _id: keyId },
            { $addToSet: { entries: { storyId, publishedAt: post.publishedAt } } },
            { upsert: true },
          );
        post.storyId = storyId;
      }
      const out = await applyStoryChangesLocked(ctx, year, changes, now);
      for (const post of yearPosts) {
        await ctx.models.Post.updateOne(
          { _id: post._id },
          { $set: { storyId: post.storyId, nextHarvestAt: now } },
        );
      }
      return out;
    });
    await ctx.schedule.set(
      yearPosts.map((p) => ({
        accountId: String(p.accountId),
        postId: String(p._id),
        externalId: p.externalId,
        at: now,
      })),
    );
    await publishStoryEvents(ctx, events);
  }
}
