/**
 * Collector entry point: checks configuration, connects to MongoDB and Redis, makes sure the
 * store's indexes exist, and reports ready. Discovery and harvesting are added on this frame.
 * Any start-up problem is printed as one sentence (no stack trace) and exits with status 1.
 */
import { ConfigError, loadConfig } from '@reachline/shared/config';
import { startCollector } from './collector';
import { StartupError } from './connect';
import { createLogger } from './log';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { require: ['MONGODB_URI', 'REDIS_URL'] });
  const log = createLogger(config.LOG_LEVEL, { service: 'collector' });
  const collector = await startCollector(config, log);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('collector stopping', { signal });
    collector
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error('collector did not stop cleanly', { error: (err as Error).message });
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof StartupError) {
    process.stderr.write(`reachline collector: ${err.message}\n`);
  } else {
    process.stderr.write(
      `reachline collector: unexpected error during start-up: ${(err as Error).message ?? String(err)}\n`,
    );
  }
  process.exit(1);
});
