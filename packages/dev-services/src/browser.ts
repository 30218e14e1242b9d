// The browser for the end-to-end tests (and anything else that drives one), found or installed
// the same way as Redis: CHROMIUM_PATH, else a Chromium/Chrome on PATH (or macOS's usual Chrome),
// else apt-get as root, else one sentence naming the command to run. Thai glyphs too: the pages'
// titles are Thai, and screenshots without a Thai font show empty boxes.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

import { aptInstall, canApt } from './apt';
import { ServiceError } from './errors';
import { defaultLog, type Log } from './logs';
import { which } from './proc';

/** Looked up on PATH in this order. */
export const BROWSER_COMMANDS = [
  'chromium',
  'chromium-browser',
  'google-chrome',
  'google-chrome-stable',
] as const;

/** Where Google Chrome lives on a Mac. */
export const MACOS_CHROME = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';

/** What Debian/Ubuntu install when nothing is found (Chromium and the Thai fonts). */
export const BROWSER_PACKAGES = ['chromium', 'fonts-thai-tlwg'] as const;

export const INSTALL_BROWSER =
  'no Chromium or Chrome found for the browser tests: install it with `apt-get install chromium fonts-thai-tlwg` (as root), or set CHROMIUM_PATH to its executable';

export const INSTALL_THAI_FONTS =
  'no Thai font found for the browser tests: install one with `apt-get install fonts-thai-tlwg` (as root)';

/** The machine as the finder sees it; tests pass their own. */
export interface BrowserHost {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** An executable file at this path? */
  isExecutable(path: string): boolean;
  /** True when a font covering Thai is installed. */
  hasThaiFont(): boolean;
  /** May we install system packages (root with apt-get)? */
  canInstall(): boolean;
  install(pkg: string, log: Log): Promise<void>;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** fontconfig's list of fonts that cover Thai; macOS ships Thai fonts (Thonburi) with the OS. */
function hasThaiFont(platform: NodeJS.Platform): boolean {
  if (platform === 'darwin') return true;
  const r = spawnSync('fc-list', [':lang=th', 'family'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 && r.stdout.trim() !== '';
}

export function systemBrowserHost(env: NodeJS.ProcessEnv = process.env): BrowserHost {
  return {
    env,
    platform: process.platform,
    isExecutable,
    hasThaiFont: () => hasThaiFont(process.platform),
    canInstall: canApt,
    install: aptInstall,
  };
}

/**
 * The browser executable, without installing anything: CHROMIUM_PATH when set (it must be an
 * executable file), else the first of BROWSER_COMMANDS on PATH, else macOS's Chrome; undefined
 * when none is there.
 */
export function findBrowser(host: BrowserHost): string | undefined {
  const fromEnv = host.env.CHROMIUM_PATH?.trim();
  if (fromEnv) {
    if (!host.isExecutable(fromEnv))
      throw new ServiceError(
        `CHROMIUM_PATH points at ${fromEnv}, which is not an executable file: fix it or unset it.`,
      );
    return fromEnv;
  }
  for (const name of BROWSER_COMMANDS) {
    const found = which(name, host.env);
    if (found) return found;
  }
  if (host.platform === 'darwin' && host.isExecutable(MACOS_CHROME)) return MACOS_CHROME;
  return undefined;
}

export interface BrowserSetup {
  /** The executable to launch. */
  path: string;
  /** Packages installed by this call (empty when everything was there). */
  installed: string[];
}

/**
 * A browser and a Thai font, installing what is missing with apt-get when running as root;
 * otherwise a ServiceError whose one sentence names the command to run.
 */
export async function ensureBrowser(
  host: BrowserHost = systemBrowserHost(),
  log: Log = defaultLog,
): Promise<BrowserSetup> {
  const installed: string[] = [];
  let path = findBrowser(host);
  if (!path) {
    if (!host.canInstall()) throw new ServiceError(`${INSTALL_BROWSER}.`);
    log('no browser found; installing chromium with apt-get (running as root)…');
    await host.install('chromium', log);
    installed.push('chromium');
    path = findBrowser(host);
    if (!path) throw new ServiceError(`${INSTALL_BROWSER}.`);
  }
  if (!host.hasThaiFont()) {
    if (!host.canInstall()) throw new ServiceError(`${INSTALL_THAI_FONTS}.`);
    log('no Thai font found; installing fonts-thai-tlwg with apt-get (running as root)…');
    await host.install('fonts-thai-tlwg', log);
    installed.push('fonts-thai-tlwg');
    if (!host.hasThaiFont()) throw new ServiceError(`${INSTALL_THAI_FONTS}.`);
  }
  return { path, installed };
}
