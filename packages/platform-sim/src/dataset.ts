/**
 * The posts the simulator serves. Either the FY2564 seed (every seed post on the Facebook page with
 * its recorded final reach; some cross-posted to other platforms as the same story; plus ordinary
 * posts without the infographic hashtag) or a generated set of any size from a seed number.
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
const ORG_TAG = '#กรุงเทพมหานคร';

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
  /** Set on the Facebook post (and its cross-posts) of a seed story. */
  seedId?: string;
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
  curveDays: number;
  /** LINE only: messages delivered. */
  delivered?: number;
}

export interface Dataset {
  kind: 'fy2564' | 'generated';
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

const TOPICS = [
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

const ORDINARY = [
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

class Builder {
  readonly posts: SimPost[] = [];
  private readonly used = new Set<string>();

  constructor(
    private readonly rng: Rng,
    private readonly accounts: SimAccount[],
  ) {}

  private account(platform: Platform): SimAccount {
    const a = this.accounts.find((x) => x.platform === platform);
    if (!a) throw new Error(`no ${platform} account`);
    return a;
  }

  private uniqueId(make: () => string): string {
    for (;;) {
      const id = make();
      if (!this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
  }

  private newId(platform: Platform, publishedAt: number): string {
    const rng = this.rng;
    switch (platform) {
      case 'facebook':
        return this.uniqueId(() => `${this.account('facebook').accountId}_1${randDigits(rng, 15)}`);
      case 'instagram':
        return this.uniqueId(() => `18${randDigits(rng, 15)}`);
      case 'x':
        // Snowflake: milliseconds since the Twitter epoch, shifted left 22 bits.
        return this.uniqueId(() =>
          (
            (BigInt(Math.max(0, publishedAt - 1288834974657)) << 22n) |
            BigInt(randInt(rng, 0, 4194303))
          ).toString(),
        );
      case 'youtube':
        return this.uniqueId(() => randUrlSafe(rng, 11));
      case 'tiktok':
        return this.uniqueId(() =>
          (
            (BigInt(Math.floor(publishedAt / 1000)) << 32n) |
            BigInt(randInt(rng, 0, 2 ** 31))
          ).toString(),
        );
      case 'line':
        return this.uniqueId(() => randUuid(rng));
    }
  }

  private text(s: StoryInput): string {
    return s.infographic
      ? `${s.title}\n\n${INFOGRAPHIC_MARKER} ${ORG_TAG}`
      : `${s.title}\n\n${ORG_TAG}`;
  }

  private push(platform: Platform, s: StoryInput, publishedAt: number, finalReach: number): void {
    const rng = this.rng;
    const viewsFactor =
      platform === 'facebook'
        ? randFloat(rng, 1.2, 2.6)
        : platform === 'instagram'
          ? randFloat(rng, 1.3, 3)
          : platform === 'line'
            ? randFloat(rng, 1.05, 1.6)
            : 1;
    const post: SimPost = {
      id: this.newId(platform, publishedAt),
      platform,
      accountId: this.account(platform).accountId,
      storyId: s.storyId,
      title: s.title,
      text: this.text(s),
      infographic: s.infographic,
      publishedAt,
      finalReach,
      finalViews: Math.round(finalReach * viewsFactor),
      finalLikes: Math.round(finalReach * randFloat(rng, 0.005, 0.04)),
      finalComments: Math.round(finalReach * randFloat(rng, 0.0005, 0.005)),
      finalShares: Math.round(finalReach * randFloat(rng, 0.001, 0.01)),
      tauDays: randFloat(rng, 1.5, 6),
      curveDays: platform === 'line' ? 14 : 28,
    };
    if (s.seedId !== undefined) post.seedId = s.seedId;
    this.posts.push(post);
  }

  addStory(s: StoryInput): void {
    const rng = this.rng;
    this.push('facebook', s, s.publishedAt, s.reach);
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
        title: p.title,
        infographic: true,
        publishedAt: p.publishedAt.getTime(),
        reach: p.reach,
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
        title: `${topic} #${i + 1}`,
        infographic,
        publishedAt: start + Math.floor(rng() * spanDays * DAY_MS),
        reach: infographic
          ? Math.round(Math.exp(randFloat(rng, Math.log(1500), Math.log(70_000))))
          : randInt(rng, 200, 8000),
      });
    }
  }
  return index(spec.kind, seed, accounts, b.posts);
}
