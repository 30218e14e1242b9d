import { ConfigError, loadConfig } from '@reachline/shared/config';

/** Exits with one sentence on stderr when the dashboard's configuration is unusable. */
export function checkDashboardConfig(env: NodeJS.ProcessEnv = process.env): void {
  try {
    loadConfig(env, { require: ['MONGODB_URI', 'SESSION_SECRET'] });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`reachline dashboard: ${err.message}\n`);
    process.exit(1);
  }
}
