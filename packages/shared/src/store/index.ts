/**
 * Store operations both the collector and the dashboard perform (`@reachline/shared/store`):
 * server-only (mongoose, Redis), never imported by the browser bundle.
 */
// Story roll-up, its lock, editors' changes (dash-story)
export * from './lock';
export * from './manualReach';
export * from './rollup';
export * from './storyEdits';
export * from './yearSettings';
