/**
 * @reachline/platform-sim: one HTTP server standing in for the Facebook, Instagram, X, YouTube,
 * TikTok and LINE APIs Reachline harvests. See the package README.
 */
export {
  startSimulator,
  defaultStart,
  GRAPH_VERSION,
  SimulatorOptionsError,
  DatasetFileError,
} from './simulator';
export type { RunningSimulator, SimAccountInfo, StartExtras } from './simulator';
export { SimAdminClient, SimAdminError } from './adminClient';
export type { CatalogPost, RequestLogAnswer } from './adminClient';
export {
  simulatorOptionsSchema,
  clockSettingSchema,
  liveSettingsSchema,
  describeIssue,
} from './options';
export type { SimulatorOptions, ClockSettingInput, LiveSettingsInput } from './options';
export { datasetFileSchema, loadDatasetFile } from './datasetFile';
export type { DatasetFile } from './datasetFile';
export { faultPatchSchema, DEFAULT_FAULTS } from './faults';
export type { FaultPatch, FaultSettings } from './faults';
export { DEFAULT_LIMITS } from './rateLimits';
export type { LimitSettings, BucUsage } from './rateLimits';
export { INFOGRAPHIC_MARKER, INFOGRAPHIC_UNIT_PREFIX, ORDINARY_UNIT_PREFIX } from './dataset';
export type { Dataset, SimPost, SimAccount } from './dataset';
export { grownValue } from './curve';
export type { ClockState, ClockMode } from './clock';
export type { RequestLogEntry } from './requestLog';
export type { TokenRecord, TokenStatus } from './tokens';
export { PLATFORMS } from './types';
export type { Platform } from './types';
export { MAX_BATCH, FACEBOOK_METRICS, FACEBOOK_RETIRED_METRICS } from './platforms/facebook';
export { INSTAGRAM_METRICS, INSTAGRAM_RETIRED_METRICS } from './platforms/instagram';
export { uploadsPlaylistOf } from './platforms/youtube';
