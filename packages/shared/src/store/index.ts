/**
 * Store operations both the collector and the dashboard perform (`@reachline/shared/store`):
 * server-only (mongoose, Redis), never imported by the browser bundle.
 */
// Monthly reports and the project page
export * from './reports';
export * from './reportDocx';
export * from './projectPage';
// Story roll-up, its lock, editors' changes (dash-story)
export * from './lock';
export * from './manualReach';
export * from './rollup';
export * from './storyEdits';
export * from './yearSettings';
// Platform accounts (token sealing)
export * from './accounts';
// Backup and restore of the whole store
export * from './backup';
// Telling an unreachable store from other failures
export * from './storeErrors';
