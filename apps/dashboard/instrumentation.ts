/**
 * Runs once when the dashboard's server starts: a missing or malformed setting stops it with one
 * sentence, before it serves a page. An unreachable store does not stop it: the pages and
 * /api/health say so until the store answers (compose starts the dashboard after a healthy mongo).
 * Then the first admin is created from the environment (retried until the store answers) and the
 * live read model subscribes to the collector's events. The page cache is put where `front.mjs`
 * (the production server) finds it.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { checkDashboardConfig } = await import('./lib/startupCheck');
  checkDashboardConfig();
  const { startBackgroundWork } = await import('./lib/background');
  startBackgroundWork();
  const { installPageCache } = await import('./lib/pageCache/pageCache');
  installPageCache();
}
