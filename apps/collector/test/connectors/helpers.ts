/**
 * Connector tests talk to a real simulator over HTTP (port 0), nothing mocked. The clock is fixed
 * long after every post's growth curve has ended, so what a connector reads must equal the final
 * figures of the simulator's catalog.
 */
import {
  SimAdminClient,
  startSimulator,
  type CatalogPost,
  type RunningSimulator,
  type SimulatorOptions,
} from '@reachline/platform-sim';
import type { Platform } from '@reachline/shared';
import { createConnector } from '../../src/connectors/index';
import {
  PlatformError,
  type Connector,
  type ConnectorAccount,
  type DiscoveredPost,
  type DiscoveryOptions,
  type UsageReport,
} from '../../src/connectors/types';

/** Later than every data set's last post plus its 28-day curve. */
export const LATE = new Date('2030-01-01T00:00:00Z');

export interface TestSim {
  sim: RunningSimulator;
  admin: SimAdminClient;
  account(p: Platform): ConnectorAccount;
  /** A fresh connector (own metric memory) whose usage reports land in `usage`. */
  connector(p: Platform, timeoutMs?: number): Connector;
  usage: UsageReport[];
  /** The catalog's posts of a platform, deleted ones included. */
  catalog(p: Platform): Promise<CatalogPost[]>;
  /** Requests the simulator served for a platform since `since` (a `lastSeq`). */
  requestsSince(p: Platform, since: number): Promise<number>;
  lastSeq(): Promise<number>;
  /** Back to the start state (faults, tokens, deletions, clock, limits, log). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startSim(options: SimulatorOptions = {}): Promise<TestSim> {
  const sim = await startSimulator({
    clock: { mode: 'fixed', at: LATE.toISOString() },
    ...options,
    faults: { batchNullRate: 0, ...options.faults },
  });
  const admin = new SimAdminClient(sim.url, sim.admin.token);
  const usage: UsageReport[] = [];
  const t: TestSim = {
    sim,
    admin,
    usage,
    account(p) {
      const a = sim.accounts.find((x) => x.platform === p);
      if (!a) throw new Error(`the simulator has no ${p} account`);
      return { platform: p, externalId: a.accountId, token: a.token };
    },
    connector(p, timeoutMs) {
      return createConnector(p, {
        baseUrl: sim.baseUrls[p],
        onUsage: (u) => usage.push(u),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
    },
    async catalog(p) {
      return (await admin.posts({ platform: p, limit: 200_000 })).posts;
    },
    async requestsSince(p, since) {
      const r = await admin.requests({ platform: p, since });
      return r.entries.length;
    },
    async lastSeq() {
      return (await admin.requests({ limit: 1 })).lastSeq;
    },
    async reset() {
      await admin.reset();
      usage.length = 0;
    },
    close: () => sim.close(),
  };
  return t;
}

/** Every page of a discovery run. */
export async function discoverAll(
  connector: Connector,
  account: ConnectorAccount,
  options: DiscoveryOptions = {},
): Promise<{ posts: DiscoveredPost[]; pages: number; emptyPages: number; apiCalls: number }> {
  const posts: DiscoveredPost[] = [];
  let pages = 0;
  let emptyPages = 0;
  let apiCalls = 0;
  for await (const page of connector.discover(account, options)) {
    pages++;
    if (page.posts.length === 0) emptyPages++;
    apiCalls += page.apiCalls;
    posts.push(...page.posts);
  }
  return { posts, pages, emptyPages, apiCalls };
}

/** The PlatformError a promise rejects with (fails the test otherwise). */
export async function platformErrorOf(p: Promise<unknown>): Promise<PlatformError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PlatformError) return err;
    throw new Error(`expected a PlatformError, got ${String(err)}`);
  }
  throw new Error('expected a PlatformError, the call succeeded');
}

export function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
