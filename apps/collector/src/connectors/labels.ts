import type { Platform } from '@reachline/shared';

/** How each platform is named in messages. */
export const PLATFORM_LABELS: Readonly<Record<Platform, string>> = {
  facebook: 'Facebook',
  instagram: 'Instagram',
  x: 'X',
  youtube: 'YouTube',
  tiktok: 'TikTok',
  line: 'LINE',
};
