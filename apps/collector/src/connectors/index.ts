/**
 * The connectors, one per platform, behind the one Connector contract (types.ts). Generic
 * collector code gets them here and never imports a platform's file.
 */
import { PLATFORMS, type Platform } from '@reachline/shared';
import { FacebookConnector } from './facebook';
import { InstagramConnector } from './instagram';
import { LineConnector } from './line';
import { TikTokConnector } from './tiktok';
import type { Connector, ConnectorOptions, UsageReport } from './types';
import { XConnector } from './x';
import { YouTubeConnector } from './youtube';

export * from './types';
export { titleOf, hashtagsOf } from './postText';

const CONSTRUCTORS: Record<Platform, new (options: ConnectorOptions) => Connector> = {
  facebook: FacebookConnector,
  instagram: InstagramConnector,
  x: XConnector,
  youtube: YouTubeConnector,
  tiktok: TikTokConnector,
  line: LineConnector,
};

export function createConnector(platform: Platform, options: ConnectorOptions): Connector {
  return new CONSTRUCTORS[platform](options);
}

/** The base URL settings, as `loadConfig()` gives them. */
export interface ApiBaseConfig {
  FACEBOOK_API_BASE: string;
  INSTAGRAM_API_BASE: string;
  X_API_BASE: string;
  YOUTUBE_API_BASE: string;
  TIKTOK_API_BASE: string;
  LINE_API_BASE: string;
}

const CONFIG_KEY: Record<Platform, keyof ApiBaseConfig> = {
  facebook: 'FACEBOOK_API_BASE',
  instagram: 'INSTAGRAM_API_BASE',
  x: 'X_API_BASE',
  youtube: 'YOUTUBE_API_BASE',
  tiktok: 'TIKTOK_API_BASE',
  line: 'LINE_API_BASE',
};

/**
 * One connector per platform. `bases` is the configuration (`FACEBOOK_API_BASE`…) or a map by
 * platform (the simulator's `baseUrls`).
 */
export function createConnectors(
  bases: ApiBaseConfig | Readonly<Record<Platform, string>>,
  onUsage?: (usage: UsageReport) => void,
  options: { timeoutMs?: number } = {},
): Record<Platform, Connector> {
  const baseOf = (p: Platform): string =>
    'FACEBOOK_API_BASE' in bases ? bases[CONFIG_KEY[p]] : bases[p];
  const out = {} as Record<Platform, Connector>;
  for (const p of PLATFORMS) {
    const o: ConnectorOptions = { baseUrl: baseOf(p) };
    if (onUsage) o.onUsage = onUsage;
    if (options.timeoutMs !== undefined) o.timeoutMs = options.timeoutMs;
    out[p] = createConnector(p, o);
  }
  return out;
}
