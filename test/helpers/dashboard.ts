/**
 * End-to-end helpers: the dashboard's production server against a test database, and Debian's
 * Chromium driven by playwright-core.
 */
import { randomBytes } from 'node:crypto';
import { type RunningDashboard, startDashboard } from '@reachline/dev-services';
import { type Browser, chromium } from 'playwright-core';

export type { RunningDashboard };

/** The dashboard's standalone server with throw-away production secrets and `env` on top. */
export function startTestDashboard(env: Record<string, string>): Promise<RunningDashboard> {
  return startDashboard({
    env: {
      SESSION_SECRET: randomBytes(32).toString('hex'),
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      ...env,
    },
  });
}

/** Debian's Chromium, headless, with the flags this machine needs (no network beyond loopback). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
