/**
 * End-to-end helpers: the dashboard's production server against a test database, and Debian's
 * Chromium driven by playwright-core.
 */
import { randomBytes } from 'node:crypto';
import { type RunningDashboard, startDashboard } from '@reachline/dev-services';
import { type Browser, chromium } from 'playwright-core';
import { inject } from 'vitest';

import './provided';

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

/**
 * The browser test/global-setup.ts found or installed (CHROMIUM_PATH, Chromium or Chrome on PATH),
 * headless, with the flags this machine needs (no network beyond loopback).
 */
export function launchBrowser(): Promise<Browser> {
  const browser = inject('reachlineBrowser');
  if (browser === undefined)
    throw new Error('no browser was provided: run the tests from the repository root.');
  if (!browser.ok) throw new Error(browser.error);
  return chromium.launch({
    executablePath: browser.path,
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
