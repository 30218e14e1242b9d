/** Wires data, clock, tokens, faults, limits, platforms and the admin API into one server. */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AdminApi } from './admin';
import { SimClock, type ClockSetting } from './clock';
import type { SimContext } from './context';
import { buildDataset, type Dataset } from './dataset';
import { datasetFromJson, DatasetFileError, loadDatasetFile } from './datasetFile';
import { Faults } from './faults';
import { LiveFeed } from './live';
import {
  describeIssue,
  simulatorOptionsSchema,
  type ClockSettingInput,
  type SimulatorOptions,
} from './options';
import { FacebookPlatform } from './platforms/facebook';
import { InstagramPlatform } from './platforms/instagram';
import { LinePlatform } from './platforms/line';
import { TikTokPlatform } from './platforms/tiktok';
import { XPlatform } from './platforms/x';
import { YouTubePlatform } from './platforms/youtube';
import { DEFAULT_LIMITS, type LimitSettings } from './rateLimits';
import { RequestLog } from './requestLog';
import { createSimServer } from './server';
import { TokenStore } from './tokens';
import { DAY_MS, PLATFORMS, type Platform, type PlatformHandler } from './types';

/** The Graph API version in the Facebook and Instagram base URLs. */
export const GRAPH_VERSION = 'v25.0';

export interface SimAccountInfo {
  platform: Platform;
  accountId: string;
  name: string;
  username: string;
  token: string;
}

export interface RunningSimulator {
  /** `http://host:port` */
  url: string;
  /** What replaces each real API's base URL (prefixed per platform: `/facebook/v25.0`, …). */
  baseUrls: Record<Platform, string>;
  /**
   * The same APIs at the root paths of their real hosts, for official client libraries that
   * only let you change the host: Graph `/v25.0`, X `/2/…`, YouTube `/youtube/v3`, TikTok
   * `/v2/…`, LINE `/v2/bot/…`. Each value is what replaces the real base URL.
   */
  rootUrls: Record<Platform, string>;
  accounts: SimAccountInfo[];
  admin: { url: string; token: string };
  /** The data set served (in-process access for tests). */
  dataset: Dataset;
  close(): Promise<void>;
}

export class SimulatorOptionsError extends Error {
  override name = 'SimulatorOptionsError';
}

export { DatasetFileError };

/** Default simulated start: two weeks after the first post, so the first posts are mid-curve. */
export function defaultStart(d: Dataset): number {
  return d.firstPublishedAt + 14 * DAY_MS;
}

function toClockSetting(c: ClockSettingInput, d: Dataset, current?: number): ClockSetting {
  const at = (s: string | Date | undefined, fallback: number) =>
    s === undefined ? fallback : new Date(s).getTime();
  switch (c.mode) {
    case 'real':
      return { mode: 'real' };
    case 'fixed':
      return { mode: 'fixed', at: at(c.at, current ?? defaultStart(d)) };
    case 'accelerated':
      return {
        mode: 'accelerated',
        daySeconds: c.daySeconds,
        start: at(c.start, current ?? defaultStart(d)),
      };
  }
}

export interface StartExtras {
  /** Wall clock for quotas and rate-limit windows (tests). */
  wall?: () => number;
}

export async function startSimulator(
  options: SimulatorOptions = {},
  extras: StartExtras = {},
): Promise<RunningSimulator> {
  const parsed = simulatorOptionsSchema.safeParse(options);
  if (!parsed.success)
    throw new SimulatorOptionsError(`Invalid simulator options: ${describeIssue(parsed.error)}`);
  const o = parsed.data;
  const wall = extras.wall ?? Date.now;
  let dataset: Dataset;
  if (o.dataset === 'fy2564' || o.dataset === 'generated') {
    dataset = buildDataset(
      o.dataset === 'fy2564' ? { kind: 'fy2564' } : { kind: 'generated', posts: o.posts },
      o.seed,
    );
  } else if ('file' in o.dataset) {
    dataset = loadDatasetFile(o.dataset.file, o.seed);
  } else {
    dataset = datasetFromJson(o.dataset.data, o.dataset.name ?? '(inline data)', o.seed);
  }
  const limits: LimitSettings = {
    facebook: { ...DEFAULT_LIMITS.facebook, ...o.limits.facebook },
    instagram: { ...DEFAULT_LIMITS.instagram, ...o.limits.instagram },
    x: { ...DEFAULT_LIMITS.x, ...o.limits.x },
    youtube: { ...DEFAULT_LIMITS.youtube, ...o.limits.youtube },
    tiktok: { ...DEFAULT_LIMITS.tiktok, ...o.limits.tiktok },
    line: { ...DEFAULT_LIMITS.line, ...o.limits.line },
  };
  const initialClock = toClockSetting(o.clock, dataset);
  const ctx: SimContext = {
    clock: new SimClock(initialClock, wall),
    dataset,
    tokens: new TokenStore(dataset.accounts),
    faults: new Faults(o.faults, o.seed),
    limits,
    behaviour: { emptyPageEvery: o.emptyPageEvery },
    wall,
    deleted: new Set(),
  };
  let live: LiveFeed | undefined;
  if (o.live) {
    live = new LiveFeed(
      dataset,
      {
        postsPerDay: o.live.postsPerDay,
        platforms: o.live.platforms ?? [...PLATFORMS],
        infographicShare: o.live.infographicShare,
        from: o.live.from === undefined ? ctx.clock.now() : Date.parse(o.live.from),
        maxPosts: o.live.maxPosts,
      },
      o.seed,
    );
    ctx.live = live;
  }
  const facebook = new FacebookPlatform(ctx);
  const instagram = new InstagramPlatform(ctx);
  facebook.instagram = instagram;
  const handlers = new Map<Platform, PlatformHandler>([
    ['facebook', facebook],
    ['instagram', instagram],
    ['x', new XPlatform(ctx)],
    ['youtube', new YouTubePlatform(ctx)],
    ['tiktok', new TikTokPlatform(ctx)],
    ['line', new LinePlatform(ctx)],
  ]);
  const log = new RequestLog(o.requestLogSize);
  const adminToken = o.adminToken ?? `simadmin_${randomBytes(24).toString('base64url')}`;
  const accounts = (): SimAccountInfo[] =>
    dataset.accounts.map((a) => ({
      ...a,
      token: ctx.tokens.list().find((t) => t.accountId === a.accountId)?.token ?? '',
    }));
  const resetLimits = (p?: Platform) => {
    for (const [platform, h] of handlers) if (p === undefined || p === platform) h.resetLimits();
  };
  let url = '';
  const baseUrls = (): Record<Platform, string> => ({
    facebook: `${url}/facebook/${GRAPH_VERSION}`,
    instagram: `${url}/instagram/${GRAPH_VERSION}`,
    x: `${url}/x`,
    youtube: `${url}/youtube/youtube/v3`,
    tiktok: `${url}/tiktok`,
    line: `${url}/line`,
  });
  const rootUrls = (): Record<Platform, string> => ({
    facebook: `${url}/${GRAPH_VERSION}`,
    instagram: `${url}/${GRAPH_VERSION}`,
    x: url,
    youtube: `${url}/youtube/v3`,
    tiktok: url,
    line: url,
  });
  const admin = new AdminApi({
    ctx,
    log,
    adminToken,
    accounts,
    state: () => ({
      dataset: {
        kind: dataset.kind,
        ...(dataset.source === undefined ? {} : { source: dataset.source }),
        seed: dataset.seed,
        posts: dataset.posts.length,
        perPlatform: Object.fromEntries(
          PLATFORMS.map((p) => [p, dataset.posts.filter((x) => x.platform === p).length]),
        ),
        firstPublishedAt: new Date(dataset.firstPublishedAt).toISOString(),
        lastPublishedAt: new Date(dataset.lastPublishedAt).toISOString(),
        allCurvesEndBy: new Date(dataset.lastPublishedAt + 29 * DAY_MS).toISOString(),
      },
      clock: ctx.clock.state(),
      faults: ctx.faults.get(),
      limits,
      emptyPageEvery: ctx.behaviour.emptyPageEvery,
      baseUrls: baseUrls(),
      rootUrls: rootUrls(),
      live: live
        ? {
            postsPerDay: live.settings.postsPerDay,
            platforms: live.settings.platforms,
            infographicShare: live.settings.infographicShare,
            from: new Date(live.settings.from).toISOString(),
            published: live.count(),
          }
        : null,
      accounts: accounts(),
      requests: { lastSeq: log.lastSeq(), counts: log.counts() },
      deletedPosts: [...ctx.deleted],
    }),
    setClock: (s) => ctx.clock.set(toClockSetting(s, dataset, ctx.clock.now())),
    resetLimits,
    reset: () => {
      ctx.faults.reset();
      ctx.tokens.reset();
      ctx.deleted.clear();
      ctx.clock.set(initialClock);
      resetLimits();
      log.clear();
    },
  });
  const { server, closeHanging } = createSimServer({ ctx, handlers, log, admin });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`;
  return {
    url,
    baseUrls: baseUrls(),
    rootUrls: rootUrls(),
    accounts: accounts(),
    admin: { url: `${url}/_sim`, token: adminToken },
    dataset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closeHanging();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
