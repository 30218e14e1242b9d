'use client';
import { useRouter } from 'next/navigation';
import { startTransition, useEffect, useRef, useState } from 'react';

type LiveState = 'connecting' | 'live' | 'reconnecting' | 'off';

/** How soon after a relevant event the page re-renders (events come in bursts per batch). */
const REFRESH_DELAY_MS = 300;
const MAX_BACKOFF_MS = 30_000;

/**
 * Keeps a server-rendered page current: listens to `/api/events` and, when a story of this
 * project and year (or an account, or a harvest run) changes, re-renders the page's server
 * components (`router.refresh()`, at most once per 300 ms). Shows whether it is live. The browser
 * reconnects a dropped stream by itself (the server sends `retry:`); when it gives up (an HTTP
 * error such as a restarting server), this reconnects with exponential backoff, and after any
 * reconnect it refreshes once, since events sent while away are lost.
 */
export function LiveUpdates({
  projectId,
  fiscalYear,
  enabled,
  labels,
}: {
  projectId: string;
  fiscalYear: number;
  enabled: boolean;
  labels: Record<LiveState, string>;
}) {
  const router = useRouter();
  const [state, setState] = useState<LiveState>(enabled ? 'connecting' : 'off');
  const [received, setReceived] = useState(0);
  const [connections, setConnections] = useState(0);
  const routerRef = useRef(router);
  routerRef.current = router;

  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | null = null;
    let refreshTimer: ReturnType<typeof setTimeout> | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let failures = 0;
    let opened = 0;
    let disposed = false;

    const refreshSoon = () => {
      if (refreshTimer) return; // one refresh per window, so a steady stream still updates
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        startTransition(() => routerRef.current.refresh());
      }, REFRESH_DELAY_MS);
    };

    const connect = () => {
      if (disposed) return;
      const es = new EventSource('/api/events');
      source = es;
      es.onopen = () => {
        failures = 0;
        opened++;
        setConnections(opened);
        setState('live');
        if (opened > 1) refreshSoon();
      };
      es.addEventListener('story-changed', (e) => {
        try {
          const data = JSON.parse((e as MessageEvent<string>).data) as {
            projectId?: string;
            fiscalYear?: number;
          };
          if (data.projectId !== projectId || data.fiscalYear !== fiscalYear) return;
        } catch {
          return;
        }
        setReceived((n) => n + 1);
        refreshSoon();
      });
      es.addEventListener('account-changed', () => {
        setReceived((n) => n + 1);
        refreshSoon();
      });
      es.addEventListener('harvest-finished', refreshSoon);
      es.onerror = () => {
        if (disposed) return;
        setState('reconnecting');
        if (es.readyState === EventSource.CLOSED) {
          es.close();
          const backoff = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** failures++);
          retryTimer = setTimeout(connect, backoff / 2 + Math.random() * (backoff / 2));
        }
      };
    };
    connect();
    return () => {
      disposed = true;
      source?.close();
      if (refreshTimer) clearTimeout(refreshTimer);
      if (retryTimer) clearTimeout(retryTimer);
    };
  }, [enabled, projectId, fiscalYear]);

  return (
    <p
      className={`ov-live ov-live-${state}`}
      role="status"
      aria-live="polite"
      data-testid="live-status"
      data-state={state}
      data-received={received}
      data-connections={connections}
    >
      <span className="ov-live-dot" aria-hidden="true" />
      {labels[state]}
    </p>
  );
}
