import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Next's marker that keeps server modules out of the browser bundle; outside Next it is an
    // empty module, so unit tests can import the dashboard's server code.
    alias: {
      'server-only': fileURLToPath(new URL('./test/helpers/serverOnly.ts', import.meta.url)),
    },
  },
  test: {
    include: ['packages/**/*.test.ts', 'apps/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.next/**'],
    // Starts Redis + MongoDB/FerretDB once per run (or uses REDIS_URL / MONGODB_URI).
    globalSetup: ['./test/global-setup.ts'],
    reporters: ['default', './test/reporters/summaryLine.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
