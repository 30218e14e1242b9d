import 'server-only';
import {
  CHANNELS,
  decodeEvent,
  encodeEvent,
  harvestStopAge,
  type Platform,
  type ReachlineEvent,
} from '@reachline/shared';
import type { StoryDoc } from '@reachline/shared/models';
import type { Types } from 'mongoose';
import { bumpDataVersion } from '../dataVersion';
import { getStore } from '../db';
import { getRedis, newSubscriber } from '../redis';
import { forgetCached } from '../smallCache';

/** A story as the lists need it; kept in memory by every dashboard process. */
export interface StoryRow {
  id: string;
  projectId: string;
  title: string;
  /** Lower-cased title for search (Thai has no case; Latin text does). */
  search: string;
  publishedAt: Date;
  monthKey: string;
  fiscalYear: number;
  quarter: number;
  platforms: Platform[];
  reach: number;
  reachMode: 'sum' | 'max';
  threshold: number;
  passed: boolean;
  crossedThresholdAt: Date | null;
  members: { postId: string; platform: Platform; reach: number | null; counted: boolean }[];
  updatedAt: Date;
}

export type StoryStatus = 'passed' | 'climbing' | 'stopped';

/**
 * passed: at or over the line; climbing: below it and still harvested (cadence table);
 * stopped: below it and harvesting has stopped (it will miss unless an editor re-opens it).
 */
export function statusOf(row: StoryRow, now: Date): StoryStatus {
  if (row.passed) return 'passed';
  const age = now.getTime() - row.publishedAt.getTime();
  return age < harvestStopAge({ latestReach: row.reach, threshold: row.threshold })
    ? 'climbing'
    : 'stopped';
}

type StoryLean = Omit<StoryDoc, 'members'> & {
  members?:
    | Record<string, { platform: Platform; reach: number | null; counted: boolean }>
    | Map<string, unknown>;
};

export function rowOf(doc: StoryLean): StoryRow {
  const members =
    doc.members instanceof Map ? Object.fromEntries(doc.members) : (doc.members ?? {});
  return {
    id: String(doc._id),
    projectId: String(doc.projectId),
    title: doc.title,
    search: doc.title.toLowerCase(),
    publishedAt: new Date(doc.publishedAt),
    monthKey: doc.period.monthKey,
    fiscalYear: doc.period.fiscalYear,
    quarter: doc.period.quarter,
    platforms: [...doc.platforms],
    reach: doc.reach,
    reachMode: doc.reachMode,
    threshold: doc.threshold,
    passed: doc.passed,
    crossedThresholdAt: doc.crossedThresholdAt ? new Date(doc.crossedThresholdAt) : null,
    members: Object.entries(
      members as Record<string, { platform: Platform; reach: number | null; counted: boolean }>,
    ).map(([postId, m]) => ({
      postId,
      platform: m.platform,
      reach: m.reach ?? null,
      counted: m.counted !== false,
    })),
    updatedAt: new Date(doc.updatedAt ?? doc.publishedAt),
  };
}

export type LiveListener = (event: ReachlineEvent, row: StoryRow | null) => void;

/**
 * Every story in memory, loaded once with one streamed pass over `stories` (the one collection a
 * list may scan) and then kept current by the collector's Redis events: a `story-changed` event
 * re-reads that story by `_id`. Lists, filters and counts then cost no store round trip, on both
 * stores. A lost Redis connection triggers a full reload when it comes back, so nothing missed in
 * between stays stale.
 */
export class StoryReadModel {
  readonly rows = new Map<string, StoryRow>();
  /** Bumped on every change; lets callers cache derived views. */
  version = 0;
  loadedAt: Date | null = null;
  lastEventAt: Date | null = null;
  /**
   * True while subscribed to the collector's events (and reloaded after the last reconnect):
   * only then does a change reach this process at once, so only then may pages be cached.
   */
  listening = false;
  private listeners = new Set<LiveListener>();
  private loading: Promise<void> | null = null;
  private subscribed = false;

  async ready(): Promise<this> {
    if (!this.loadedAt) await this.reload();
    this.subscribe();
    return this;
  }

  reload(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const { models } = await getStore();
        const next = new Map<string, StoryRow>();
        const cursor = models.Story.find({}).lean().cursor({ batchSize: 1000 });
        for await (const doc of cursor) {
          const row = rowOf(doc);
          next.set(row.id, row);
        }
        this.rows.clear();
        for (const [id, row] of next) this.rows.set(id, row);
        this.loadedAt = new Date();
        this.version++;
        bumpDataVersion();
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  /** Re-reads one story by `_id` (after an event or an editor's change); removes it if gone. */
  async refresh(storyId: string | Types.ObjectId): Promise<StoryRow | null> {
    const { models } = await getStore();
    const doc = await models.Story.findById(storyId).lean();
    const id = String(storyId);
    if (!doc) {
      this.rows.delete(id);
      this.version++;
      bumpDataVersion();
      return null;
    }
    const row = rowOf(doc);
    this.rows.set(id, row);
    this.version++;
    bumpDataVersion();
    return row;
  }

  onEvent(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  emit(event: ReachlineEvent, row: StoryRow | null): void {
    this.lastEventAt = new Date();
    // Account and harvest events change the overview (token warnings, freshness).
    bumpDataVersion();
    for (const listener of this.listeners) {
      try {
        listener(event, row);
      } catch {
        // one broken stream must not stop the others
      }
    }
  }

  private subscribe(): void {
    if (this.subscribed) return;
    const sub = newSubscriber();
    if (!sub) return;
    this.subscribed = true;
    let firstReady = true;
    sub.on('ready', () => {
      // After a reconnect, events published while we were away are lost: reload everything.
      if (!firstReady) {
        void this.reload()
          .then(() => (this.listening = true))
          .catch(() => undefined);
      }
      firstReady = false;
    });
    const deaf = () => {
      this.listening = false;
      bumpDataVersion();
    };
    sub.on('close', deaf);
    sub.on('reconnecting', deaf);
    void sub
      .subscribe(
        CHANNELS.storyChanged,
        CHANNELS.accountStatusChanged,
        CHANNELS.harvestRunFinished,
        CHANNELS.dashboardChanged,
      )
      .then(() => (this.listening = true))
      .catch(() => undefined);
    sub.on('message', (channel: string, message: string) => {
      const event = decodeEvent(channel, message);
      if (!event) return;
      if (event.type === 'dashboard-changed') {
        // Another dashboard process changed something; this one applied it already.
        if (event.by === PROCESS_TAG) return;
        forgetCached();
        void Promise.all(event.storyIds.map((id) => this.refresh(id)))
          .then((rows) => rows.forEach((row) => this.emit(event, row)))
          .catch(() => undefined);
        if (event.storyIds.length === 0) this.emit(event, null);
      } else if (event.type === 'story-changed') {
        void this.refresh(event.storyId)
          .then((row) => this.emit(event, row))
          .catch(() => undefined);
      } else {
        this.emit(event, null);
      }
    });
  }
}

const cache = globalThis as typeof globalThis & { __reachlineReadModel?: StoryReadModel };

/** The process's read model if a page has used it yet (no store access). */
export function currentReadModel(): StoryReadModel | undefined {
  return cache.__reachlineReadModel;
}

/** The process's read model, loaded on first use. */
export function getReadModel(): Promise<StoryReadModel> {
  cache.__reachlineReadModel ??= new StoryReadModel();
  return cache.__reachlineReadModel.ready();
}

/** Names this process in the `dashboard-changed` events it publishes. */
export const PROCESS_TAG = `dashboard-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;

/**
 * After a change made through this dashboard process (an editor's number, a project's settings,
 * an account): forgets this process's short-lived reads, drops its cached pages, and tells the
 * other dashboard processes to do the same and to re-read the named stories. Publishing is best
 * effort: without Redis the other processes catch up within SMALL_CACHE_TTL_MS and
 * PAGE_CACHE_SECONDS, as before.
 */
export function announceChange(storyIds: string[] = []): void {
  forgetCached();
  const redis = getRedis();
  if (!redis) return;
  const event = {
    type: 'dashboard-changed' as const,
    storyIds: storyIds.slice(0, 1_000),
    by: PROCESS_TAG,
    at: new Date().toISOString(),
  };
  void redis.publish(CHANNELS.dashboardChanged, encodeEvent(event)).catch(() => undefined);
}
