'use client';
import { useEffect, useState } from 'react';

/** How often an error page asks /api/health whether the store is back. */
const HEALTH_POLL_MS = 5_000;

/**
 * For a page that failed to read the store: asks /api/health every few seconds; true while the
 * store is reported down, and once it was down and answers again, reloads the page, so an open
 * page recovers by itself. When the store was never reported down (another failure), it stops
 * asking and never reloads.
 */
export function useStoreRecovery(): boolean {
  const [storeDown, setStoreDown] = useState(false);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wasDown = false;
    const check = async () => {
      try {
        const res = await fetch('/api/health', { cache: 'no-store' });
        if (stopped) return;
        if (res.status === 503) {
          wasDown = true;
          setStoreDown(true);
        } else if (res.ok) {
          if (wasDown) window.location.reload();
          return;
        }
      } catch {
        // the dashboard itself does not answer: keep asking
      }
      if (!stopped) timer = setTimeout(() => void check(), HEALTH_POLL_MS);
    };
    void check();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  return storeDown;
}

/** Mounted by the server-rendered StoreErrorBox: reloads the page once the store is back. */
export function ReloadWhenStoreBack(): null {
  useStoreRecovery();
  return null;
}
