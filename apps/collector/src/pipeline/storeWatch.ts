/**
 * The store's availability as the driver sees it, for a running collector: when no writable
 * server is left (the store stopped, the network cut), the outage is logged once, the workers
 * pause (jobs in hand that fail on the store come back later, see isStoreUnavailable) and the
 * ticks skip; when a writable server is back, the recovery is logged once and work resumes.
 * Start-up still fails fast (connect.ts): this watches a connection that once worked.
 */
import type { Connection } from 'mongoose';
export { isStoreUnavailable } from '@reachline/shared/store';

const WRITABLE = new Set(['Standalone', 'RSPrimary', 'Mongos', 'LoadBalancer']);

export interface StoreOutageListener {
  down(reason: string): void;
  up(downForMs: number): void;
}

/** While the store is down, how often the watch asks it (which also makes the driver look). */
const PROBE_MS = 2_000;

export class StoreWatch {
  private downSince: number | null = null;
  private probe: ReturnType<typeof setInterval> | undefined;
  private readonly onChange: (event: {
    newDescription: { servers: Map<string, { type: string; error?: unknown }> };
  }) => void;

  constructor(
    private readonly conn: Connection,
    private readonly listener: StoreOutageListener,
  ) {
    this.onChange = (event) => {
      const servers = [...event.newDescription.servers.values()];
      const writable = servers.some((s) => WRITABLE.has(s.type));
      if (!writable && this.downSince === null) {
        this.downSince = Date.now();
        const error = servers.find((s) => s.error)?.error;
        const reason =
          error instanceof Error
            ? (error.message.split('\n')[0] ?? 'no answer')
            : 'no writable server';
        this.listener.down(reason);
        // Nothing else may ask the store while work is paused: ask it, so that the driver
        // notices the recovery within seconds rather than at its next heartbeat.
        this.probe = setInterval(() => {
          conn.db
            ?.admin()
            .ping()
            .catch(() => undefined);
        }, PROBE_MS);
        this.probe.unref();
      } else if (writable && this.downSince !== null) {
        const downForMs = Date.now() - this.downSince;
        this.downSince = null;
        clearInterval(this.probe);
        this.listener.up(downForMs);
      }
    };
    conn.getClient().on('topologyDescriptionChanged', this.onChange);
  }

  /** True while the store is known to be unreachable. */
  get down(): boolean {
    return this.downSince !== null;
  }

  stop(): void {
    clearInterval(this.probe);
    this.conn.getClient().off('topologyDescriptionChanged', this.onChange);
  }
}
