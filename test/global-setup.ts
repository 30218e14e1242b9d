// vitest globalSetup: starts Redis and MongoDB/FerretDB once for the whole run (or uses
// REDIS_URL / MONGODB_URI when set), finds (or, as root, installs) the browser and a Thai font
// for the browser tests, provides them to the test files, stops the services at the end.
// When something cannot be had, the run still goes on: pure unit tests pass and every test that
// needs the missing piece fails with the one-sentence reason.
import { randomBytes } from 'node:crypto';

import {
  ensureBrowser,
  isServiceError,
  startServices,
  type Services,
} from '@reachline/dev-services';
import type { TestProject } from 'vitest/node';

import './helpers/provided';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  // apt-get installs queue one after the other, so both may need it at once.
  const browser = provideBrowser(project);
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
    const error = oneSentence(err, 'services did not start');
    process.stderr.write(`[services] ${error}\n`);
    project.provide('reachlineServices', { ok: false, error });
  }
  await browser;
  return async () => {
    await services?.stop();
  };
}

const oneSentence = (err: unknown, what: string): string =>
  isServiceError(err)
    ? err.message
    : `${what}: ${err instanceof Error ? err.message : String(err)}.`;

async function provideBrowser(project: TestProject): Promise<void> {
  const started = Date.now();
  try {
    const { path, installed } = await ensureBrowser(undefined, (line) =>
      process.stderr.write(`[browser] ${line}\n`),
    );
    project.provide('reachlineBrowser', { ok: true, path });
    const how = installed.length > 0 ? `installed ${installed.join(', ')} in` : 'found in';
    process.stderr.write(`[browser] ${path} (${how} ${Date.now() - started} ms)\n`);
  } catch (err) {
    const error = oneSentence(err, 'no browser for the browser tests');
    process.stderr.write(`[browser] ${error}\n`);
    project.provide('reachlineBrowser', { ok: false, error });
  }
}
