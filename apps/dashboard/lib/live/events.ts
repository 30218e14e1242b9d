/**
 * What the dashboard relays to open browsers over Server-Sent Events (`GET /api/events`), and how
 * one frame is written. A collector event becomes one SSE message: `story-changed` (with the
 * story's project, so a page can ignore other projects' changes), `account-changed` and
 * `harvest-finished`. Pure (types only from the read model), so it is unit-tested directly.
 */
import type { ReachlineEvent } from '@reachline/shared';
import type { StoryRow } from './readModel';

export interface LiveStoryChanged {
  id: string;
  projectId: string;
  fiscalYear: number;
  monthKey: string;
  reach: number;
  passed: boolean;
}

export type LiveMessage =
  | { event: 'story-changed'; data: LiveStoryChanged }
  | {
      event: 'account-changed';
      data: { accountId: string; platform: string; tokenStatus: string };
    }
  | { event: 'harvest-finished'; data: { platform: string; status: string; at: string } };

/** How long a browser waits before reconnecting after a drop (sent once per stream). */
export const SSE_RETRY_MS = 2_000;
/** A comment line this often keeps proxies from closing an idle stream. */
export const SSE_HEARTBEAT_MS = 15_000;

/**
 * The message for an event, or null when there is nothing to say: a story the read model could
 * not find in this deployment's store (the Redis channels are shared by every deployment on the
 * same Redis) is not relayed.
 */
export function liveMessageOf(event: ReachlineEvent, row: StoryRow | null): LiveMessage | null {
  switch (event.type) {
    case 'story-changed':
    case 'dashboard-changed': // an editor's change in another dashboard process
      if (!row) return null;
      return {
        event: 'story-changed',
        data: {
          id: row.id,
          projectId: row.projectId,
          fiscalYear: row.fiscalYear,
          monthKey: row.monthKey,
          reach: row.reach,
          passed: row.passed,
        },
      };
    case 'account-status-changed':
      return {
        event: 'account-changed',
        data: {
          accountId: event.accountId,
          platform: event.platform,
          tokenStatus: event.tokenStatus,
        },
      };
    case 'harvest-run-finished':
      return {
        event: 'harvest-finished',
        data: { platform: event.platform, status: event.status, at: event.at },
      };
  }
}

/** One SSE frame. JSON never contains a raw newline, so `data:` stays one line. */
export function sseFrame(message: LiveMessage): string {
  return `event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
}

/** A comment frame: ignored by EventSource, keeps the connection busy. */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}
