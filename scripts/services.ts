// `npm run services`: starts Redis and MongoDB (or FerretDB), prints REDIS_URL=… and
// MONGODB_URI=… for a developer to export, and keeps them running until Ctrl-C.
import { isServiceError, startServices, watchParent } from '@reachline/dev-services';

const err = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  const services = await startServices();
  process.stdout.write(`REDIS_URL=${services.redisUrl}\nMONGODB_URI=${services.mongoUri}\n`);
  err(
    `# redis: ${services.redisKind}, mongo: ${services.mongoKind}; ready in ${Date.now() - started} ms. ` +
      'Ctrl-C stops them.',
  );

  const keepAlive = setInterval(() => undefined, 1 << 30);
  let stopping = false;
  const shutdown = (why: string) => {
    if (stopping) return;
    stopping = true;
    err(`# ${why}: stopping services…`);
    clearInterval(keepAlive);
    services.stop().then(
      () => {
        err('# stopped');
        process.exit(0);
      },
      (e: unknown) => {
        err(`# stopping failed: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      },
    );
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => shutdown(s));
  watchParent(() => shutdown('parent process exited'));
}

main().catch((e: unknown) => {
  if (isServiceError(e)) err(e.message);
  else err(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
