import { defineConfig } from 'vitest/config';
import base from './vitest.config';

/**
 * `npm run test:soak`: the long fault and load runs (`test/**\/*.soak.ts`), one file at a time,
 * with the same services and reporters as `npm test`.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/**/*.soak.ts'],
    fileParallelism: false,
    testTimeout: 3_600_000,
    hookTimeout: 3_600_000,
  },
});
