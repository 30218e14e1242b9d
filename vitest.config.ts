import { defineConfig } from 'vitest/config';

export default defineConfig({
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
