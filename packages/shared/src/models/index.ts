/**
 * Mongoose models for the collections in DESIGN.md "Data", bound to a connection you pass in:
 * nothing is registered on the global mongoose, so each app and each test file can use its own
 * connection and database.
 *
 * Everything here stays inside what both MongoDB and FerretDB 1.24 do the same way: plain
 * single/compound (optionally unique) indexes created explicitly by `ensureIndexes` (autoIndex is
 * off), no sparse/partial/TTL/text/collation indexes, no Decimal128, no `select: false`, no nested
 * arrays, and no `__v` (optimistic locking is not reliable there; writes use idempotent upserts).
 */
import type { Connection, Model, Schema } from 'mongoose';
import { type AccountDoc, accountSchema } from './accounts';
import { type HarvestRunDoc, harvestRunSchema } from './harvestRuns';
import { type KpiFiguresDoc, kpiFiguresSchema } from './kpiFigures';
import { type KpiSettingsDoc, kpiSettingsSchema } from './kpiSettings';
import { type PostHistoryDoc, postHistorySchema } from './postHistories';
import { type ProjectDoc, projectSchema } from './projects';
import { type PostDoc, postSchema } from './posts';
import { type ReachSnapshotDoc, reachSnapshotSchema } from './reachSnapshots';
import { type ReportDoc, reportSchema } from './reports';
import { type ApiTokenDoc, apiTokenSchema, type SessionDoc, sessionSchema } from './sessions';
import { type StoryDoc, storySchema } from './stories';
import { type UserDoc, userSchema } from './users';

export * from './accounts';
export * from './byIds';
export * from './indexes';
export * from './harvestRuns';
export * from './ids';
export * from './kpiFigures';
export * from './kpiSettings';
export * from './postHistories';
export * from './projects';
export * from './period';
export * from './posts';
export * from './reachSnapshots';
export * from './reports';
export * from './sessions';
export * from './stories';
export * from './storyTitleKeys';
export * from './users';

export interface ReachlineModels {
  Account: Model<AccountDoc>;
  Post: Model<PostDoc>;
  Story: Model<StoryDoc>;
  ReachSnapshot: Model<ReachSnapshotDoc>;
  HarvestRun: Model<HarvestRunDoc>;
  Report: Model<ReportDoc>;
  KpiSettings: Model<KpiSettingsDoc>;
  User: Model<UserDoc>;
  PostHistory: Model<PostHistoryDoc>;
  KpiFigures: Model<KpiFiguresDoc>;
  Project: Model<ProjectDoc>;
  Session: Model<SessionDoc>;
  ApiToken: Model<ApiTokenDoc>;
}

/** Collection names exactly as DESIGN.md spells them. */
export const COLLECTIONS = {
  Account: 'accounts',
  Post: 'posts',
  Story: 'stories',
  ReachSnapshot: 'reach_snapshots',
  HarvestRun: 'harvest_runs',
  Report: 'reports',
  KpiSettings: 'kpi_settings',
  User: 'users',
  PostHistory: 'post_histories',
  KpiFigures: 'kpi_figures',
  Project: 'projects',
  Session: 'sessions',
  ApiToken: 'api_tokens',
} as const satisfies Record<keyof ReachlineModels, string>;

function bind<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  // Reuse the model if this connection already has it (mongoose throws on re-registration).
  const existing = connection.models[name] as Model<T> | undefined;
  return existing ?? connection.model<T>(name, schema);
}

/** The models, bound to `connection`. Safe to call more than once per connection. */
export function createModels(connection: Connection): ReachlineModels {
  return {
    Account: bind(connection, 'Account', accountSchema),
    Post: bind(connection, 'Post', postSchema),
    Story: bind(connection, 'Story', storySchema),
    ReachSnapshot: bind(connection, 'ReachSnapshot', reachSnapshotSchema),
    HarvestRun: bind(connection, 'HarvestRun', harvestRunSchema),
    Report: bind(connection, 'Report', reportSchema),
    KpiSettings: bind(connection, 'KpiSettings', kpiSettingsSchema),
    User: bind(connection, 'User', userSchema),
    PostHistory: bind(connection, 'PostHistory', postHistorySchema),
    KpiFigures: bind(connection, 'KpiFigures', kpiFiguresSchema),
    Project: bind(connection, 'Project', projectSchema),
    Session: bind(connection, 'Session', sessionSchema),
    ApiToken: bind(connection, 'ApiToken', apiTokenSchema),
  };
}
