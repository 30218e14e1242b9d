// The browser finder's order, its install path and its one-sentence messages, on fake hosts built
// from real temporary directories (executables are real files with the execute bit).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  BROWSER_COMMANDS,
  INSTALL_BROWSER,
  INSTALL_THAI_FONTS,
  MACOS_CHROME,
  ServiceError,
  ensureBrowser,
  findBrowser,
  type BrowserHost,
} from '../src/index';

const tmp = mkdtempSync(join(tmpdir(), 'reachline-browser-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let dirs = 0;
/** A directory holding an executable file for each name (and a non-executable `plain` file). */
function binDir(names: readonly string[]): string {
  const dir = join(tmp, `bin${dirs++}`);
  mkdirSync(dir);
  for (const name of names) {
    writeFileSync(join(dir, name), '#!/bin/sh\n');
    chmodSync(join(dir, name), 0o755);
  }
  writeFileSync(join(dir, 'plain'), 'not executable');
  return dir;
}

interface FakeHost extends BrowserHost {
  installs: string[];
}

function host(opts: {
  path?: string[];
  chromiumPath?: string;
  platform?: NodeJS.Platform;
  thaiFont?: boolean;
  root?: boolean;
  /** What an install puts on PATH: a package name to executable names. */
  provides?: Record<string, string[]>;
  macChrome?: boolean;
}): FakeHost {
  const pathDirs = [...(opts.path ?? [])];
  let thai = opts.thaiFont ?? true;
  const installs: string[] = [];
  return {
    installs,
    env: {
      PATH: pathDirs.join(':'),
      ...(opts.chromiumPath === undefined ? {} : { CHROMIUM_PATH: opts.chromiumPath }),
    },
    platform: opts.platform ?? 'linux',
    isExecutable(path) {
      if (path === MACOS_CHROME) return opts.macChrome ?? false;
      return !path.endsWith('/plain') && !path.endsWith('/missing');
    },
    hasThaiFont: () => thai,
    canInstall: () => opts.root ?? false,
    install(pkg) {
      installs.push(pkg);
      if (pkg === 'fonts-thai-tlwg') thai = true;
      const names = opts.provides?.[pkg];
      if (names) {
        pathDirs.push(binDir(names));
        this.env.PATH = pathDirs.join(':');
      }
      return Promise.resolve();
    },
  };
}

const quiet = () => undefined;

describe('findBrowser', () => {
  it('takes CHROMIUM_PATH before anything on PATH', () => {
    const dir = binDir(['chromium']);
    const own = join(binDir(['my-chrome']), 'my-chrome');
    expect(findBrowser(host({ path: [dir], chromiumPath: own }))).toBe(own);
  });

  it('refuses a CHROMIUM_PATH that is not an executable, in one sentence', () => {
    const bad = join(binDir([]), 'plain');
    expect(() => findBrowser(host({ chromiumPath: bad }))).toThrow(ServiceError);
    expect(() => findBrowser(host({ chromiumPath: bad }))).toThrow(
      `CHROMIUM_PATH points at ${bad}, which is not an executable file: fix it or unset it.`,
    );
  });

  it.each(BROWSER_COMMANDS.map((name, i) => [name, BROWSER_COMMANDS.slice(i)] as const))(
    'finds %s first when it and the later names are on PATH',
    (first, present) => {
      // Each name in its own directory, PATH listing them in reverse: only the name order counts.
      const dirOf = new Map(present.map((name) => [name, binDir([name])]));
      const path = [...present].reverse().map((name) => dirOf.get(name)!);
      expect(findBrowser(host({ path }))).toBe(join(dirOf.get(first)!, first));
    },
  );

  it('searches PATH in order for one name', () => {
    const a = binDir(['google-chrome']);
    const b = binDir(['google-chrome']);
    expect(findBrowser(host({ path: [a, b] }))).toBe(join(a, 'google-chrome'));
  });

  it("falls back to macOS's Google Chrome only on macOS", () => {
    expect(findBrowser(host({ platform: 'darwin', macChrome: true }))).toBe(MACOS_CHROME);
    expect(findBrowser(host({ platform: 'linux', macChrome: true }))).toBeUndefined();
    const dir = binDir(['chromium']);
    expect(findBrowser(host({ path: [dir], platform: 'darwin', macChrome: true }))).toBe(
      join(dir, 'chromium'),
    );
  });

  it('returns undefined when nothing is there', () => {
    expect(findBrowser(host({ path: [binDir(['firefox'])] }))).toBeUndefined();
  });
});

describe('ensureBrowser', () => {
  it('installs nothing when a browser and a Thai font are there', async () => {
    const dir = binDir(['chromium-browser']);
    const h = host({ path: [dir], root: true });
    await expect(ensureBrowser(h, quiet)).resolves.toEqual({
      path: join(dir, 'chromium-browser'),
      installed: [],
    });
    expect(h.installs).toEqual([]);
  });

  it('as root, installs chromium and then the Thai fonts', async () => {
    const h = host({ root: true, thaiFont: false, provides: { chromium: ['chromium'] } });
    const setup = await ensureBrowser(h, quiet);
    expect(setup.path).toMatch(/\/chromium$/);
    expect(setup.installed).toEqual(['chromium', 'fonts-thai-tlwg']);
    expect(h.installs).toEqual(['chromium', 'fonts-thai-tlwg']);
  });

  it('as root, installs only the fonts when the browser is there', async () => {
    const h = host({ path: [binDir(['google-chrome-stable'])], root: true, thaiFont: false });
    expect((await ensureBrowser(h, quiet)).installed).toEqual(['fonts-thai-tlwg']);
  });

  it('without root, names the command to run', async () => {
    const err = await ensureBrowser(host({}), quiet).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as Error).message).toBe(`${INSTALL_BROWSER}.`);
    expect((err as Error).message).toContain('apt-get install chromium fonts-thai-tlwg');
  });

  it('without root and without a Thai font, names the fonts package', async () => {
    const h = host({ path: [binDir(['chromium'])], thaiFont: false });
    await expect(ensureBrowser(h, quiet)).rejects.toThrow(`${INSTALL_THAI_FONTS}.`);
    expect(h.installs).toEqual([]);
  });

  it('says so when the install did not bring a browser', async () => {
    const h = host({ root: true });
    await expect(ensureBrowser(h, quiet)).rejects.toThrow(`${INSTALL_BROWSER}.`);
    expect(h.installs).toEqual(['chromium']);
  });
});
