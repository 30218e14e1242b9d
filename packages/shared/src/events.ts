/**
 * Redis pub/sub channels between the collector and the dashboard. The collector publishes after
 * each store step; the dashboard relays to open browsers over Server-Sent Events. Payloads are
 * small and validated on receipt, because a malformed message must never break the relay.
 */
import { z } from 'zod';
import { PLATFORMS, TOKEN_STATUSES } from './platforms';

export const CHANNELS = {
  /** A story's reach or pass state changed (one message per changed story per batch). */
  storyChanged: 'reachline:story-changed',
  /** An account's token status changed (expired, permission lost, restored). */
  accountStatusChanged: 'reachline:account-status-changed',
  /** A harvest batch finished; for the operator's live queue view. */
  harvestRunFinished: 'reachline:harvest-run-finished',
  /**
   * A dashboard process changed what pages show (an editor's number, a project's settings, an
   * account): the other dashboard processes re-read the named stories and drop cached pages.
   */
  dashboardChanged: 'reachline:dashboard-changed',
} as const;
export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'expected a 24-hex-digit id');
const isoInstant = z.iso.datetime();

export const storyChangedEventSchema = z.object({
  type: z.literal('story-changed'),
  storyId: objectId,
  fiscalYear: z.number().int().min(2400),
  monthKey: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  reach: z.number().int().nonnegative(),
  passed: z.boolean(),
  /** True only in the batch where the story first reached the threshold. */
  crossedThreshold: z.boolean(),
  at: isoInstant,
});

export const accountStatusChangedEventSchema = z.object({
  type: z.literal('account-status-changed'),
  accountId: objectId,
  platform: z.enum(PLATFORMS),
  tokenStatus: z.enum(TOKEN_STATUSES),
  at: isoInstant,
});

export const harvestRunFinishedEventSchema = z.object({
  type: z.literal('harvest-run-finished'),
  runId: objectId,
  platform: z.enum(PLATFORMS),
  status: z.enum(['ok', 'partial', 'failed']),
  postsAnswered: z.number().int().nonnegative(),
  at: isoInstant,
});

export const dashboardChangedEventSchema = z.object({
  type: z.literal('dashboard-changed'),
  /** The stories whose documents changed (none for a settings or account change). */
  storyIds: z.array(objectId).max(1_000),
  /** The process that made the change, which has already applied it. */
  by: z.string().min(1).max(100),
  at: isoInstant,
});

export const reachlineEventSchema = z.discriminatedUnion('type', [
  storyChangedEventSchema,
  accountStatusChangedEventSchema,
  harvestRunFinishedEventSchema,
  dashboardChangedEventSchema,
]);

export type StoryChangedEvent = z.infer<typeof storyChangedEventSchema>;
export type AccountStatusChangedEvent = z.infer<typeof accountStatusChangedEventSchema>;
export type HarvestRunFinishedEvent = z.infer<typeof harvestRunFinishedEventSchema>;
export type DashboardChangedEvent = z.infer<typeof dashboardChangedEventSchema>;
export type ReachlineEvent = z.infer<typeof reachlineEventSchema>;

const CHANNEL_OF_TYPE: Record<ReachlineEvent['type'], Channel> = {
  'story-changed': CHANNELS.storyChanged,
  'account-status-changed': CHANNELS.accountStatusChanged,
  'harvest-run-finished': CHANNELS.harvestRunFinished,
  'dashboard-changed': CHANNELS.dashboardChanged,
};

/** The channel an event is published on. */
export function channelOf(event: ReachlineEvent): Channel {
  return CHANNEL_OF_TYPE[event.type];
}

/** Validates and serialises an event for `redis.publish(channelOf(event), …)`. */
export function encodeEvent(event: ReachlineEvent): string {
  return JSON.stringify(reachlineEventSchema.parse(event));
}

/**
 * Parses a pub/sub message. Returns null for anything malformed or sent on the wrong channel, so
 * a subscriber can log and skip it instead of crashing.
 */
export function decodeEvent(channel: string, message: string): ReachlineEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(message);
  } catch {
    return null;
  }
  const parsed = reachlineEventSchema.safeParse(raw);
  if (!parsed.success || channelOf(parsed.data) !== channel) return null;
  return parsed.data;
}
