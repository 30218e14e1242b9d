/**
 * Store operations both the collector and the dashboard perform (`@reachline/shared/store`):
 * server-only (mongoose, Redis), never imported by the browser bundle.
 */
export * from './accounts';
