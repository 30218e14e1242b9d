/**
 * Collector entry point: checks configuration, connects to MongoDB and Redis, makes sure the
 * store's indexes exist, and reports ready. Discovery and harvesting are added on this frame.
 * Any start-up problem is printed as one sentence (no stack trace) and exits with status 1.
 */
import { ConfigError, loadConfig } from '@reachline/shared/config';
import { type RunningCollector, startCollector } from './collector';
import { StartupError } from './connect';
import { createLogger } from './log';

async function main(): Promise<void> {
  const config = loadConfig(process.env, {
    require: ['MONGODB_URI', 'REDIS_URL', 'TOKEN_ENCRYPTION_KEY'],
  });
  const log = createLogger(config.LOG_LEVEL, { service: 'collector' });

  // Signal handlers go in before start-up, so a stop asked for while connecting (or right after
  // "ready") is a clean stop, not the default kill.
  const running: { collector?: RunningCollector } = {};
  let stopSignal: string | undefined;
  const stopAndExit = () => {
    log.info('collector stopping', { signal: stopSignal });
    (running.collector ? running.collector.stop() : Promise.resolve())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error('collector did not stop cleanly', { error: (err as Error).message });
        process.exit(1);
      });
  };
  const onSignal = (signal: string) => {
    if (stopSignal) return;
    stopSignal = signal;
    if (running.collector) stopAndExit();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  running.collector = await startCollector(config, log);
  if (stopSignal) stopAndExit();
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
