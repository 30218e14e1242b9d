/**
 * The six platforms and which of each one's metrics stands for "reach". Platforms do not agree on
 * what reach is, so every number shown or reported carries its metric (DESIGN.md "Definitions";
 * details in shared/research/platform-apis.md).
 */
export const PLATFORMS = ['facebook', 'instagram', 'x', 'youtube', 'tiktok', 'line'] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface ReachMetric {
  /** The metric's name in the platform's API. */
  metric: string;
  /** How to label the number on screen and in exports. */
  label: string;
  /** False where the platform has no unique-reach figure and we use the closest one. */
  isUniqueReach: boolean;
}

export const REACH_METRICS: Readonly<Record<Platform, ReachMetric>> = {
  // post_impressions_unique is retired; asking for it fails the whole insights call.
  facebook: { metric: 'post_total_media_view_unique', label: 'Viewers', isUniqueReach: true },
  instagram: { metric: 'reach', label: 'Reach', isUniqueReach: true },
  x: { metric: 'impression_count', label: 'Impressions (X has no reach)', isUniqueReach: false },
  youtube: { metric: 'viewCount', label: 'Views (YouTube has no reach)', isUniqueReach: false },
  tiktok: { metric: 'view_count', label: 'Views (TikTok has no reach)', isUniqueReach: false },
  line: { metric: 'uniqueImpression', label: 'Unique impressions', isUniqueReach: true },
};

export function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value);
}

/** The metric that stands for reach on a platform. */
export function reachMetricOf(platform: Platform): ReachMetric {
  return REACH_METRICS[platform];
}

/** Whether an account's stored token still works; the collector stops retrying on the others. */
export const TOKEN_STATUSES = ['ok', 'expired', 'insufficient_permission'] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];
