/**
 * Live mode (for the demo): new posts keep being published on the running simulated clock. Each
 * platform in `platforms` gets `postsPerDay` posts per simulated day, one per slot of
 * `1 / postsPerDay` day with a random instant inside the slot. Everything comes from a generator
 * seeded per platform from `seed`, so the posts published up to a given simulated instant are
 * the same whenever and however often the clock is read. Posts are added to the data set as the
 * clock passes their publication instant; their counters then grow along the usual curve.
 */
import {
  compareNewestFirst,
  IdMaker,
  nameLineUnits,
  ORDINARY,
  postText,
  TOPICS,
  viewsFactor,
  type Dataset,
  type SimAccount,
  type SimPost,
} from './dataset';
import { mulberry32, randFloat, randInt, type Rng } from './prng';
import { DAY_MS, type Platform } from './types';

export interface LiveSettings {
  /** New posts per simulated day on each platform. */
  postsPerDay: number;
  platforms: Platform[];
  /** Share of new posts that are infographics (carry the marker hashtag). */
  infographicShare: number;
  /** Simulated instant the first slot starts. */
  from: number;
  /** Stop publishing after this many live posts in all. */
  maxPosts: number;
}

interface Stream {
  platform: Platform;
  account: SimAccount;
  rng: Rng;
  ids: IdMaker;
  /** Slot index of the next post. */
  slot: number;
  /** Publication instant of the next post. */
  next: number;
}

function platformSalt(p: string): number {
  let h = 2166136261;
  for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Per-platform multipliers of an infographic's reach (the Facebook page reaches most). */
const REACH_SCALE: Record<Platform, [number, number]> = {
  facebook: [1, 1],
  instagram: [0.15, 0.8],
  x: [0.1, 0.7],
  youtube: [0.03, 0.3],
  tiktok: [0.2, 1.5],
  line: [0.05, 0.4],
};

export class LiveFeed {
  private readonly streams: Stream[];
  private readonly slotMs: number;
  private readonly units = new Set<string>();
  private published = 0;

  constructor(
    private readonly dataset: Dataset,
    readonly settings: LiveSettings,
    seed: number,
  ) {
    this.slotMs = DAY_MS / settings.postsPerDay;
    for (const p of dataset.posts) if (p.unit !== undefined) this.units.add(p.unit);
    this.streams = [];
    for (const platform of settings.platforms) {
      const account = dataset.accounts.find((a) => a.platform === platform);
      if (!account) continue;
      const rng = mulberry32((seed ^ platformSalt(`live:${platform}`)) >>> 0);
      const s: Stream = {
        platform,
        account,
        rng,
        ids: new IdMaker(rng, dataset.byId),
        slot: 0,
        next: 0,
      };
      s.next = this.slotInstant(s);
      this.streams.push(s);
    }
  }

  private slotInstant(s: Stream): number {
    return Math.floor(this.settings.from + (s.slot + randFloat(s.rng, 0.05, 0.95)) * this.slotMs);
  }

  /** How many live posts have been published so far. */
  count(): number {
    return this.published;
  }

  /** Publish every live post due at or before `now`. */
  sync(now: number): void {
    for (const s of this.streams) {
      while (s.next <= now && this.published < this.settings.maxPosts) {
        this.add(this.makePost(s, s.next));
        s.slot++;
        s.next = this.slotInstant(s);
      }
    }
  }

  private makePost(s: Stream, publishedAt: number): SimPost {
    const rng = s.rng;
    const infographic = rng() < this.settings.infographicShare;
    const topics = infographic ? TOPICS : ORDINARY;
    const topic = topics[randInt(rng, 0, topics.length - 1)] ?? '';
    const n = s.slot + 1;
    const title = `${topic} (${s.platform} #${n})`;
    const [lo, hi] = REACH_SCALE[s.platform];
    const base = infographic
      ? Math.exp(randFloat(rng, Math.log(1500), Math.log(70_000)))
      : randInt(rng, 200, 8000);
    const finalReach = Math.max(1, Math.round(base * randFloat(rng, lo, hi)));
    const post: SimPost = {
      id: s.ids.make(s.platform, s.account.accountId, publishedAt),
      platform: s.platform,
      accountId: s.account.accountId,
      storyId: `story-live-${s.platform}-${n}`,
      origin: 'live',
      title,
      text: postText(title, infographic),
      infographic,
      publishedAt,
      finalReach,
      finalViews: Math.round(finalReach * viewsFactor(rng, s.platform)),
      finalLikes: Math.round(finalReach * randFloat(rng, 0.005, 0.04)),
      finalComments: Math.round(finalReach * randFloat(rng, 0.0005, 0.005)),
      finalShares: Math.round(finalReach * randFloat(rng, 0.001, 0.01)),
      tauDays: randFloat(rng, 1.5, 6),
      curveDays: s.platform === 'line' ? 14 : 28,
    };
    if (s.platform === 'line') {
      post.delivered = Math.max(finalReach + 20, randInt(rng, 150_000, 260_000));
      nameLineUnits([post], this.units);
    }
    return post;
  }

  private add(p: SimPost): void {
    const d = this.dataset;
    d.posts.push(p);
    d.byId.set(p.id, p);
    let list = d.timeline.get(p.accountId);
    if (!list) {
      list = [];
      d.timeline.set(p.accountId, list);
    }
    // Newest first: insert before the first post that sorts after this one.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareNewestFirst(list[mid] as SimPost, p) < 0) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, p);
    d.firstPublishedAt = Math.min(d.firstPublishedAt, p.publishedAt);
    d.lastPublishedAt = Math.max(d.lastPublishedAt, p.publishedAt);
    this.published++;
  }
}
