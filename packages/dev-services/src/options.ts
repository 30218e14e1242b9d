import type { Log } from './logs';

export interface ServiceOptions {
  /** Environment to read REDIS_URL, MONGODB_URI, MONGO_BACKEND, … from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** false: ignore REDIS_URL / MONGODB_URI and always start local services (default true). */
  useEnv?: boolean;
  /** Progress lines (default: stderr with a "[services]" prefix). */
  log?: Log;
  /** Repository root; `.data/` and `tools/ferretdb` are found under it (default: found from here). */
  rootDir?: string;
  /**
   * Keep data in this directory (created if missing, never deleted). Default: a fresh directory
   * under `<root>/.data/<service>/` that is removed on stop.
   */
  dataDir?: string;
  /** Install redis-server with apt-get when missing and running as root (default true). */
  installMissing?: boolean;
}
