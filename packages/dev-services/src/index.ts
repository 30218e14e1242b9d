// @reachline/dev-services: starts (or connects to) Redis and a MongoDB-compatible store for
// tests, the demo and `npm run services`, and stops exactly what it started.
import { ServiceError } from './errors';
import { parseMongoBackend, startMongo, type MongoKind, type MongoService } from './mongo';
import type { ServiceOptions } from './options';
import { startRedis, type RedisService } from './redis';
import { parseRedisUrl, validateMongoUri } from './uri';

export interface Services {
  redisUrl: string;
  mongoUri: string;
  mongoKind: MongoKind;
  redisKind: RedisService['kind'];
  /** PIDs of the processes we started (empty for external services). */
  pids: number[];
  /** Stops what was started (external services are left alone). Idempotent. */
  stop(): Promise<void>;
}

/** Starts Redis and Mongo side by side; if either fails, stops the other and rethrows. */
export async function startServices(opts: ServiceOptions = {}): Promise<Services> {
  // Refuse malformed URLs before starting anything.
  const env = opts.env ?? process.env;
  if (opts.useEnv !== false && env.REDIS_URL?.trim()) parseRedisUrl(env.REDIS_URL.trim());
  if (opts.useEnv !== false && env.MONGODB_URI?.trim()) validateMongoUri(env.MONGODB_URI);
  parseMongoBackend(env.MONGO_BACKEND);
  const [redis, mongo] = await Promise.allSettled([startRedis(opts), startMongo(opts)]);
  if (redis.status === 'rejected' || mongo.status === 'rejected') {
    for (const r of [redis, mongo]) if (r.status === 'fulfilled') await r.value.stop();
    const failed = redis.status === 'rejected' ? redis : (mongo as PromiseRejectedResult);
    throw failed.reason instanceof Error
      ? failed.reason
      : new ServiceError(`starting services failed: ${String(failed.reason)}.`);
  }
  const r: RedisService = redis.value;
  const m: MongoService = mongo.value;
  let stopping: Promise<void> | undefined;
  return {
    redisUrl: r.url,
    mongoUri: m.uri,
    mongoKind: m.kind,
    redisKind: r.kind,
    pids: [r.pid, m.pid].filter((p): p is number => p !== undefined),
    stop: () => (stopping ??= Promise.all([r.stop(), m.stop()]).then(() => undefined)),
  };
}

export { startRedis, pingRedis, INSTALL_REDIS, type RedisService } from './redis';
export {
  startMongo,
  pingMongo,
  parseMongoBackend,
  type MongoKind,
  type MongoService,
  type MongoBackend,
} from './mongo';
export {
  ensureFerretdb,
  startFerretdb,
  buildFerretdb,
  applyFerretdbPatches,
  readFerretdbPatches,
  ferretdbBinaryPath,
  NO_MONGO,
  type FerretdbPatch,
  type FerretdbProcess,
  type FerretdbVariant,
} from './ferretdb';
export type { ServiceOptions } from './options';
export { ServiceError, isServiceError } from './errors';
export {
  isolatedDbUri,
  sanitizeDbName,
  parseRedisUrl,
  parseMongoUri,
  validateMongoUri,
  mongoHosts,
  redactSecrets,
  MAX_DB_NAME,
} from './uri';
export {
  stopAllServices,
  stopChildProcess,
  watchParent,
  findRepoRoot,
  freePort,
  portAnswers,
} from './proc';
export {
  buildDashboard,
  startDashboard,
  type RunningDashboard,
  type StartDashboardOptions,
} from './dashboard';
export {
  ensureBrowser,
  findBrowser,
  systemBrowserHost,
  BROWSER_COMMANDS,
  BROWSER_PACKAGES,
  INSTALL_BROWSER,
  INSTALL_THAI_FONTS,
  MACOS_CHROME,
  type BrowserHost,
  type BrowserSetup,
} from './browser';
