import 'server-only';
import { type LoadedConfig, loadConfig } from '@reachline/shared/config';

type DashboardConfig = LoadedConfig<'MONGODB_URI' | 'SESSION_SECRET'>;

let cached: DashboardConfig | undefined;

/**
 * The dashboard's configuration, checked once (instrumentation.ts stops the server with one
 * sentence when it is unusable, so later calls cannot fail on a running server).
 */
export function dashboardConfig(env: NodeJS.ProcessEnv = process.env): DashboardConfig {
  cached ??= loadConfig(env, { require: ['MONGODB_URI', 'SESSION_SECRET'] });
  return cached;
}
