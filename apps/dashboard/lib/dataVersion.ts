/**
 * One number per dashboard process that changes whenever anything a page shows may have changed:
 * a collector event (a story's reach, an account's token, a finished harvest), a reload of the
 * read model, or a change made through the dashboard (here or, via the `dashboard-changed`
 * event, in another dashboard process). The page cache keeps a rendered page only while this
 * number is the one it was rendered at. On globalThis, as the read model is: the production build
 * gives route handlers, server actions and pages separate copies of a module.
 */
const holder = globalThis as typeof globalThis & { __reachlineDataVersion?: { n: number } };
const version = (holder.__reachlineDataVersion ??= { n: 0 });

export function dataVersion(): number {
  return version.n;
}

export function bumpDataVersion(): void {
  version.n++;
}
