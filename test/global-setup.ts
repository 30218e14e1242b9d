// vitest globalSetup: starts Redis and MongoDB/FerretDB once for the whole run (or uses
// REDIS_URL / MONGODB_URI when set), provides them to the test files, stops them at the end.
// When the services cannot be started, the run still goes on: pure unit tests pass and every
// test calling testServices() fails with the one-sentence reason.
import { randomBytes } from 'node:crypto';

import { isServiceError, startServices, type Services } from '@reachline/dev-services';
import type { TestProject } from 'vitest/node';

import './helpers/provided';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  let services: Services | undefined;
  try {
    services = await startServices();
    project.provide('reachlineServices', {
      ok: true,
      redisUrl: services.redisUrl,
      mongoUri: services.mongoUri,
      mongoKind: services.mongoKind,
      redisKind: services.redisKind,
      runTag: randomBytes(3).toString('hex'),
    });
    process.stderr.write(
      `[services] redis (${services.redisKind}) ${services.redisUrl}, mongo (${services.mongoKind}) ` +
        `${services.mongoUri} ready in ${Date.now() - started} ms\n`,
    );
  } catch (err) {
    const error = isServiceError(err)
      ? err.message
      : `services did not start: ${err instanceof Error ? err.message : String(err)}`;
    process.stderr.write(`[services] ${error}\n`);
    project.provide('reachlineServices', { ok: false, error });
  }
  return async () => {
    await services?.stop();
  };
}
