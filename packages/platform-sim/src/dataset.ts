/**
 * The posts the simulator serves. Either the FY2564 seed (every seed post on the Facebook page with
 * its recorded final reach, reached on the report date of the entry that listed it; some
 * cross-posted to other platforms as the same story; plus ordinary posts without the infographic
 * hashtag), a generated set of any size from a seed number, or a JSON file (`datasetFile.ts`).
 * Everything is deterministic for a given seed.
 */
import { loadFy2564 } from '@reachline/shared/data';
import {
  mulberry32,
  randDigits,
  randFloat,
  randInt,
  randUrlSafe,
  randUuid,
  type Rng,
} from './prng';
import { DAY_MS, PLATFORMS, type Platform } from './types';

/** Hashtag that marks an infographic post; ordinary posts never carry it. */
export const INFOGRAPHIC_MARKER = '#อินโฟกราฟิกกทม';
export const ORG_TAG = '#กรุงเทพมหานคร';
/** LINE custom aggregation units of infographic sends start with this; ordinary sends with `news_`. */
export const INFOGRAPHIC_UNIT_PREFIX = 'infographic_';
export const ORDINARY_UNIT_PREFIX = 'news_';

/** Bangkok is UTC+7 all year (no daylight saving). */
export const BANGKOK_OFFSET_MS = 7 * 3_600_000;

/** 00:00 Asia/Bangkok on a `YYYY-MM-DD` date, as epoch milliseconds. */
export function bangkokMidnight(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) - BANGKOK_OFFSET_MS;
}

/** Where a post comes from (admin catalog only; the platform APIs never show it). */
export type PostOrigin = 'seed' | 'ordinary' | 'generated' | 'file' | 'live';

export interface SimAccount {
  platform: Platform;
  /** Page id, IG user id, X user id, YouTube channel id, TikTok open_id, LINE channel id. */
  accountId: string;
  name: string;
  username: string;
}

export interface SimPost {
  /** The platform's id: FB `{page}_{post}`, IG media id, tweet id, video id, LINE requestId. */
  id: string;
  platform: Platform;
  accountId: string;
  /** Posts of the same story on several platforms share this. */
  storyId: string;
  /** Set on the Facebook post (and its cross-posts) of a seed story; `ref` of a data set file. */
  seedId?: string;
  origin: PostOrigin;
  title: string;
  /** Message / caption / tweet text / description. */
  text: string;
  infographic: boolean;
  publishedAt: number;
  /** Final unique reach (FB, IG, LINE) or final view/impression count (X, YouTube, TikTok). */
  finalReach: number;
  /** Final non-unique views (>= finalReach). */
  finalViews: number;
  finalLikes: number;
  finalComments: number;
  finalShares: number;
  tauDays: number;
  /** Days from publication until the counters reach their final values (may be fractional). */
  curveDays: number;
  /** LINE only: messages delivered. */
  delivered?: number;
  /** LINE only: the custom aggregation unit the message was sent with. */
  unit?: string;
}

/** The instant a post's counters reach their final values. */
export function finalAt(p: SimPost): number {
  return p.publishedAt + p.curveDays * DAY_MS;
}

export interface Dataset {
  kind: 'fy2564' | 'generated' | 'file';
  /** The file a `file` data set was read from. */
  source?: string;
  seed: number;
  accounts: SimAccount[];
  posts: SimPost[];
  byId: Map<string, SimPost>;
  /** Per account id, newest first (ties broken by id, descending). */
  timeline: Map<string, SimPost[]>;
  firstPublishedAt: number;
  lastPublishedAt: number;
}

export type DatasetSpec = { kind: 'fy2564' } | { kind: 'generated'; posts: number };

/** Share of Facebook stories also posted on each other platform (infographics / ordinary). */
const CROSS_POST: Record<Exclude<Platform, 'facebook'>, [number, number]> = {
  instagram: [0.5, 0.2],
  x: [0.6, 0.3],
  youtube: [0.15, 0.05],
  tiktok: [0.3, 0.1],
  line: [0.25, 0.1],
};

/** Final count on another platform as a share of the Facebook reach. */
const REACH_FACTOR: Record<Exclude<Platform, 'facebook'>, [number, number]> = {
  instagram: [0.15, 0.8],
  x: [0.1, 0.7],
  youtube: [0.03, 0.3],
  tiktok: [0.2, 1.5],
  line: [0.05, 0.4],
};

export const TOPICS = [
  'เตือนภัยน้ำท่วมช่วงหน้าฝน',
  'จุดฉีดวัคซีนใกล้บ้าน',
  'ค่าฝุ่น PM2.5 วันนี้',
  'ปิดการจราจรชั่วคราว',
  'ชำระภาษีที่ดินออนไลน์',
  'ตลาดนัดสีเขียว',
  'คัดแยกขยะก่อนทิ้ง',
  'สวนสาธารณะเปิดบริการ',
  'รถเมล์สายใหม่',
  'ลงทะเบียนผู้สูงอายุ',
];

export const ORDINARY = [
  'ผู้ว่าฯ ลงพื้นที่ตรวจเยี่ยม',
  'ประกาศวันหยุดราชการ',
  'ถ่ายทอดสดการประชุมสภากรุงเทพมหานคร',
  'ภาพกิจกรรมวันเด็ก',
  'รับสมัครอาสาสมัคร',
];

function makeAccounts(rng: Rng): SimAccount[] {
  const ids: Record<Platform, string> = {
    facebook: `1${randDigits(rng, 14)}`,
    instagram: `17841${randDigits(rng, 12)}`,
    x: `1${randDigits(rng, 18)}`,
    youtube: `UC${randUrlSafe(rng, 22)}`,
    tiktok: `-000${randUrlSafe(rng, 28)}`,
    line: `16${randDigits(rng, 8)}`,
  };
  const names: Record<Platform, [string, string]> = {
    facebook: ['กรุงเทพมหานคร (sim)', 'bangkok.sim'],
    instagram: ['กรุงเทพมหานคร', 'bangkok_sim'],
    x: ['กรุงเทพมหานคร', 'BangkokSim'],
    youtube: ['BMA Channel (sim)', '@bmasim'],
    tiktok: ['กรุงเทพมหานคร', 'bangkok.sim'],
    line: ['กรุงเทพมหานคร OA', '@bangkoksim'],
  };
  return PLATFORMS.map((platform) => ({
    platform,
    accountId: ids[platform],
    name: names[platform][0],
    username: names[platform][1],
  }));
}

interface StoryInput {
  storyId: string;
  seedId?: string;
  title: string;
  infographic: boolean;
  publishedAt: number;
  /** Facebook final reach. */
  reach: number;
}

/** Platform-shaped ids, unique within a data set, drawn from the data set's generator. */
export class IdMaker {
  constructor(
    private readonly rng: Rng,
    private readonly used: { has(id: string): boolean },
    private readonly taken = new Set<string>(),
  ) {}

  private unique(make: () => string): string {
    for (;;) {
      const id = make();
      if (!this.used.has(id) && !this.taken.has(id)) {
        this.taken.add(id);
        return id;
      }
    }
  }

  make(platform: Platform, accountId: string, publishedAt: number): string {
    const rng = this.rng;
    switch (platform) {
      case 'facebook':
        return this.unique(() => `${accountId}_1${randDigits(rng, 15)}`);
      case 'instagram':
        return this.unique(() => `18${randDigits(rng, 15)}`);
      case 'x':
        // Snowflake: milliseconds since the Twitter epoch, shifted left 22 bits.
        return this.unique(() =>
          (
            (BigInt(Math.max(0, publishedAt - 1288834974657)) << 22n) |
            BigInt(randInt(rng, 0, 4194303))
          ).toString(),
        );
      case 'youtube':
        return this.unique(() => randUrlSafe(rng, 11));
      case 'tiktok':
        return this.unique(() =>
          (
            (BigInt(Math.floor(publishedAt / 1000)) << 32n) |
            BigInt(randInt(rng, 0, 2 ** 31))
          ).toString(),
        );
      case 'line':
        return this.unique(() => randUuid(rng));
    }
  }
}

/** Post text: the title, a blank line, then the hashtags (the marker only on infographics). */
export function postText(title: string, infographic: boolean): string {
  return infographic ? `${title}\n\n${INFOGRAPHIC_MARKER} ${ORG_TAG}` : `${title}\n\n${ORG_TAG}`;
}

/** Non-unique views as a multiple of reach, per platform. */
export function viewsFactor(rng: Rng, platform: Platform): number {
  return platform === 'facebook'
    ? randFloat(rng, 1.2, 2.6)
    : platform === 'instagram'
      ? randFloat(rng, 1.3, 3)
      : platform === 'line'
        ? randFloat(rng, 1.05, 1.6)
        : 1;
}

/**
 * Give every LINE post without one a custom aggregation unit, named after its kind and its
 * Bangkok send date: `infographic_20210415_1`, `news_20210415_1` (at most 30 characters).
 */
export function nameLineUnits(posts: SimPost[], taken: Set<string> = new Set()): void {
  const line = posts
    .filter((p) => p.platform === 'line' && p.unit === undefined)
    .sort((a, b) => a.publishedAt - b.publishedAt || (a.id < b.id ? -1 : 1));
  for (const p of line) {
    const day = new Date(p.publishedAt + BANGKOK_OFFSET_MS).toISOString().slice(0, 10);
    const stem = `${p.infographic ? INFOGRAPHIC_UNIT_PREFIX : ORDINARY_UNIT_PREFIX}${day.replaceAll('-', '')}_`;
    let n = 1;
    while (taken.has(`${stem}${n}`)) n++;
    p.unit = `${stem}${n}`;
    taken.add(p.unit);
  }
}

interface BuiltStory extends StoryInput {
  origin: PostOrigin;
  /** Facebook post only: instant its counters reach their final values (default: 28 days). */
  finalAt?: number;
}

class Builder {
  readonly posts: SimPost[] = [];
  private readonly ids: IdMaker;

  constructor(
    private readonly rng: Rng,
    private readonly accounts: SimAccount[],
  ) {
    this.ids = new IdMaker(rng, new Set());
  }

  private account(platform: Platform): SimAccount {
    const a = this.accounts.find((x) => x.platform === platform);
    if (!a) throw new Error(`no ${platform} account`);
    return a;
  }

  private newId(platform: Platform, publishedAt: number): string {
    return this.ids.make(platform, this.account(platform).accountId, publishedAt);
  }

  private push(
    platform: Platform,
    s: BuiltStory,
    publishedAt: number,
    finalReach: number,
    end?: number,
  ): void {
    const rng = this.rng;
    const factor = viewsFactor(rng, platform);
    const post: SimPost = {
      id: this.newId(platform, publishedAt),
      platform,
      accountId: this.account(platform).accountId,
      storyId: s.storyId,
      origin: s.origin,
      title: s.title,
      text: postText(s.title, s.infographic),
      infographic: s.infographic,
      publishedAt,
      finalReach,
      finalViews: Math.round(finalReach * factor),
      finalLikes: Math.round(finalReach * randFloat(rng, 0.005, 0.04)),
      finalComments: Math.round(finalReach * randFloat(rng, 0.0005, 0.005)),
      finalShares: Math.round(finalReach * randFloat(rng, 0.001, 0.01)),
      tauDays: randFloat(rng, 1.5, 6),
      curveDays: platform === 'line' ? 14 : 28,
    };
    if (end !== undefined) {
      // The curve ends exactly at `end`; a third of the span at most for the time constant, so
      // that a short span still grows visibly before it.
      post.curveDays = Math.max(end - publishedAt, 3_600_000) / DAY_MS;
      post.tauDays = Math.min(post.tauDays, post.curveDays / 3);
    }
    if (s.seedId !== undefined) post.seedId = s.seedId;
    this.posts.push(post);
  }

  addStory(s: BuiltStory): void {
    const rng = this.rng;
    this.push('facebook', s, s.publishedAt, s.reach, s.finalAt);
    for (const platform of PLATFORMS) {
      if (platform === 'facebook') continue;
      const [pInfo, pOrdinary] = CROSS_POST[platform];
      if (rng() >= (s.infographic ? pInfo : pOrdinary)) continue;
      const at = s.publishedAt + randInt(rng, 0, 6 * 3600) * 1000;
      if (platform === 'line') {
        const narrow = rng() < 0.1;
        const delivered = narrow ? randInt(rng, 12, 60) : randInt(rng, 150_000, 260_000);
        const unique = narrow
          ? Math.round(delivered * randFloat(rng, 0.3, 0.7))
          : Math.min(
              delivered,
              Math.round(s.reach * randFloat(rng, REACH_FACTOR.line[0], REACH_FACTOR.line[1])) + 20,
            );
        this.push('line', s, at, unique);
        const last = this.posts[this.posts.length - 1];
        if (last) last.delivered = delivered;
        continue;
      }
      const [lo, hi] = REACH_FACTOR[platform];
      this.push(platform, s, at, Math.max(1, Math.round(s.reach * randFloat(rng, lo, hi))));
    }
  }
}

function index(
  kind: Dataset['kind'],
  seed: number,
  accounts: SimAccount[],
  posts: SimPost[],
): Dataset {
  const byId = new Map(posts.map((p) => [p.id, p] as const));
  const timeline = new Map<string, SimPost[]>();
  for (const p of posts) {
    const list = timeline.get(p.accountId) ?? [];
    list.push(p);
    timeline.set(p.accountId, list);
  }
  for (const list of timeline.values()) list.sort(compareNewestFirst);
  let first = Infinity;
  let last = -Infinity;
  for (const p of posts) {
    first = Math.min(first, p.publishedAt);
    last = Math.max(last, p.publishedAt);
  }
  return {
    kind,
    seed,
    accounts,
    posts,
    byId,
    timeline,
    firstPublishedAt: first,
    lastPublishedAt: last,
  };
}

/** Newest first; equal instants ordered by id, descending. */
export function compareNewestFirst(a: SimPost, b: SimPost): number {
  if (a.publishedAt !== b.publishedAt) return b.publishedAt - a.publishedAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Index a list of posts into a data set (also used by the file loader). */
export function indexDataset(
  kind: Dataset['kind'],
  seed: number,
  accounts: SimAccount[],
  posts: SimPost[],
): Dataset {
  return index(kind, seed, accounts, posts);
}

export function buildDataset(spec: DatasetSpec, seed: number): Dataset {
  const rng = mulberry32(seed);
  const accounts = makeAccounts(rng);
  const b = new Builder(rng, accounts);
  if (spec.kind === 'fy2564') {
    const { posts } = loadFy2564();
    const months = new Map<string, number>();
    for (const p of posts) {
      b.addStory({
        storyId: `story-${p.seedId}`,
        seedId: p.seedId,
        origin: 'seed',
        title: p.title,
        infographic: true,
        publishedAt: p.publishedAt.getTime(),
        reach: p.reach,
        // The office's number is the reach on the day of the entry that listed the post: the
        // curve reaches it at 00:00 Bangkok time that day and stays there.
        finalAt: bangkokMidnight(p.reportDate),
      });
      months.set(p.month, (months.get(p.month) ?? 0) + 1);
    }
    // Ordinary posts: about half as many as the month's infographics, spread over the month.
    let n = 0;
    for (const [month, count] of [...months.entries()].sort()) {
      const [y, m] = month.split('-').map(Number) as [number, number];
      for (let i = 0; i < Math.ceil(count / 2); i++) {
        const day = randInt(rng, 1, 28);
        b.addStory({
          storyId: `story-ordinary-${++n}`,
          origin: 'ordinary',
          title: `${ORDINARY[n % ORDINARY.length] ?? ''} (${day}/${m}/${y + 543})`,
          infographic: false,
          publishedAt: Date.UTC(y, m - 1, day, randInt(rng, 1, 12), randInt(rng, 0, 59)),
          reach: randInt(rng, 300, 9000),
        });
      }
    }
  } else {
    const start = Date.UTC(2025, 0, 1, 3, 0, 0);
    const spanDays = Math.min(730, Math.max(30, Math.ceil(spec.posts / 3)));
    for (let i = 0; i < spec.posts; i++) {
      const infographic = rng() < 0.8;
      const topic =
        (infographic ? TOPICS : ORDINARY)[
          randInt(rng, 0, (infographic ? TOPICS : ORDINARY).length - 1)
        ] ?? '';
      b.addStory({
        storyId: `story-gen-${i + 1}`,
        origin: 'generated',
        title: `${topic} #${i + 1}`,
        infographic,
        publishedAt: start + Math.floor(rng() * spanDays * DAY_MS),
        reach: infographic
          ? Math.round(Math.exp(randFloat(rng, Math.log(1500), Math.log(70_000))))
          : randInt(rng, 200, 8000),
      });
    }
  }
  nameLineUnits(b.posts);
  return index(spec.kind, seed, accounts, b.posts);
}
