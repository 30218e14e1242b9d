// Stands in for the `server-only` package outside Next.js (vitest.config.ts alias): tests run
// on the server, so there is nothing to guard against.
export {};
