// What test/global-setup.ts hands to test files through vitest's provide/inject.
import type { MongoKind } from '@reachline/dev-services';

export type ProvidedServices =
  | {
      ok: true;
      redisUrl: string;
      /** Server URI (no database); use useTestDatabase() or isolatedDbUri() for a database. */
      mongoUri: string;
      mongoKind: MongoKind;
      redisKind: 'external' | 'redis-server';
      /** Short random tag of this test run, part of every database name and Redis prefix. */
      runTag: string;
    }
  | { ok: false; error: string };

/** The browser executable for playwright-core, or why there is none. */
export type ProvidedBrowser = { ok: true; path: string } | { ok: false; error: string };

declare module 'vitest' {
  export interface ProvidedContext {
    reachlineServices: ProvidedServices;
    reachlineBrowser: ProvidedBrowser;
  }
}
