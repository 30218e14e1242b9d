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

export class StoreWatch {
  private downSince: number | null = null;
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
      } else if (writable && this.downSince !== null) {
        const downForMs = Date.now() - this.downSince;
        this.downSince = null;
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
    this.conn.getClient().off('topologyDescriptionChanged', this.onChange);
  }
}
