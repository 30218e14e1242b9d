/**
 * The browser-safe domain API: pure functions and constants only. Mongoose models are under
 * `@reachline/shared/models`, configuration under `/config`, token encryption under
 * `/tokenCrypto` and the seed loader under `/data`, so a client bundle never pulls in mongoose,
 * node:crypto or node:fs.
 */
export * from './cadence';
export * from './events';
export * from './kpi';
export * from './platforms';
export * from './thaiCalendar';
export * from './storyRules';
export * from './report/index';
