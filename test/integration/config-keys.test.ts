// The three places configuration lives must agree: the variables the apps read (the zod schema
// of packages/shared/src/config.ts), the documented list (.env.example) and what docker compose
// passes to the containers (docker-compose.yml). So must the pinned runtime and images: the
// three Dockerfiles, the CI workflow and docker-compose.yml name the same versions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { configSchema, loadConfig } from '@reachline/shared/config';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/**
 * Keys of .env.example that docker compose does not read, and why. A key listed here must not
 * appear in docker-compose.yml, so the list cannot go stale.
 */
const LOCAL_ONLY: Record<string, string> = {
  MONGODB_URI: 'compose builds it for its own mongo service from MONGO_ROOT_USERNAME/PASSWORD',
  REDIS_URL: 'compose builds it for its own redis service from REDIS_PASSWORD',
  NODE_ENV: 'compose always runs production',
};

/** App variables compose sets to a fixed value instead of passing the .env value on. */
const SET_BY_COMPOSE = new Set(['MONGODB_URI', 'REDIS_URL', 'NODE_ENV']);

/** App variables compose reads for itself rather than passing to a container, and why. */
const HOST_SIDE: Record<string, string> = {
  DASHBOARD_PORT: 'the host port compose publishes; the container listens on PORT 3000',
};

/** Variables whose compose reference must have no default (`${VAR:?message}`). */
const SECRETS = ['TOKEN_ENCRYPTION_KEY', 'SESSION_SECRET', 'MONGO_ROOT_PASSWORD', 'REDIS_PASSWORD'];

const APP_SERVICES = ['collector', 'dashboard'] as const;

interface ComposeService {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** `KEY=` and `# KEY=` lines: a commented key is documented, just not set by default. */
function envExampleKeys(text: string): Set<string> {
  const keys = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line);
    if (match) keys.add(match[1]!);
  }
  return keys;
}

/** Every `${VAR…}` in the string values of a parsed YAML document (`$${…}` is a literal `$`). */
function interpolatedVariables(node: unknown, into = new Set<string>()): Set<string> {
  if (typeof node === 'string') {
    for (const m of node.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) into.add(m[1]!);
  } else if (Array.isArray(node)) {
    for (const item of node) interpolatedVariables(item, into);
  } else if (node !== null && typeof node === 'object') {
    for (const value of Object.values(node)) interpolatedVariables(value, into);
  }
  return into;
}

/** The default of a `${KEY:-default}` or `${KEY-default}` reference, or undefined. */
function composeDefault(value: string, key: string): string | undefined {
  const match = new RegExp(`^\\$\\{${key}:?-([^}]*)\\}$`).exec(value);
  return match?.[1];
}

const schemaKeys = Object.keys(configSchema.shape).sort();
const envExample = envExampleKeys(read('.env.example'));
const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as ComposeFile;
const composeVariables = interpolatedVariables(compose);
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const appEnvironment = (name: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(service(name).environment ?? {}).map(([k, v]) => [k, String(v ?? '')]),
  );

describe('configuration keys', () => {
  it('finds the keys it compares (the parsers read the files)', () => {
    expect(schemaKeys).toContain('MONGODB_URI');
    expect(envExample.has('TOKEN_ENCRYPTION_KEY')).toBe(true);
    expect(composeVariables.has('SESSION_SECRET')).toBe(true);
    expect(appEnvironment('collector')).toHaveProperty('REDIS_URL');
  });

  it('lists every variable the apps read in .env.example', () => {
    expect(schemaKeys.filter((key) => !envExample.has(key))).toEqual([]);
  });

  it('lists every variable docker-compose.yml reads in .env.example', () => {
    expect([...composeVariables].filter((key) => !envExample.has(key)).sort()).toEqual([]);
  });

  it('has every key of .env.example read by compose, or listed as local only with a reason', () => {
    const unaccounted = [...envExample].filter(
      (key) => !composeVariables.has(key) && !(key in LOCAL_ONLY),
    );
    const localButRead = Object.keys(LOCAL_ONLY).filter((key) => composeVariables.has(key));
    const localButUndocumented = Object.keys(LOCAL_ONLY).filter((key) => !envExample.has(key));
    expect({ unaccounted, localButRead, localButUndocumented }).toEqual({
      unaccounted: [],
      localButRead: [],
      localButUndocumented: [],
    });
  });

  it('passes each app variable it reads to a container under its own name', () => {
    const passed = new Set<string>();
    const renamedOrFixed: string[] = [];
    for (const name of APP_SERVICES) {
      for (const [key, value] of Object.entries(appEnvironment(name))) {
        if (!schemaKeys.includes(key)) continue;
        if (SET_BY_COMPOSE.has(key)) continue;
        if (
          value.startsWith(`\${${key}:`) ||
          value.startsWith(`\${${key}-`) ||
          value === `\${${key}}`
        )
          passed.add(key);
        else renamedOrFixed.push(`${name}.${key}=${value}`);
      }
    }
    const readButNotPassed = schemaKeys.filter(
      (key) => composeVariables.has(key) && !passed.has(key) && !(key in HOST_SIDE),
    );
    expect({ renamedOrFixed, readButNotPassed }).toEqual({
      renamedOrFixed: [],
      readButNotPassed: [],
    });
  });

  it("gives each variable compose's default the same value as the apps' default", () => {
    const appDefaults = loadConfig({});
    const differing: string[] = [];
    for (const name of APP_SERVICES) {
      for (const [key, value] of Object.entries(appEnvironment(name))) {
        if (!schemaKeys.includes(key)) continue;
        const fallback = composeDefault(value, key);
        if (fallback === undefined) continue;
        const parsed = loadConfig({ [key]: fallback });
        const k = key as keyof typeof appDefaults;
        if (JSON.stringify(parsed[k]) !== JSON.stringify(appDefaults[k]))
          differing.push(`${key}: compose ${JSON.stringify(fallback)}`);
      }
    }
    expect(differing).toEqual([]);
  });

  it('has no default for a secret: compose stops with a sentence when one is unset', () => {
    const withDefault = SECRETS.filter((key) => {
      const refs = [...composeText.matchAll(new RegExp(`\\$\\{${key}([^}]*)\\}`, 'g'))];
      return refs.length === 0 || refs.some((m) => !m[1]!.startsWith(':?'));
    });
    expect(withDefault).toEqual([]);
  });
});

describe('exposure', () => {
  it('publishes no port of mongo, redis or the collector', () => {
    expect(['mongo', 'redis', 'collector'].map((name) => service(name).ports ?? [])).toEqual([
      [],
      [],
      [],
    ]);
  });

  it('publishes the dashboard and the simulator on 127.0.0.1 by default', () => {
    const published = ['dashboard', 'simulator'].flatMap((name) => service(name).ports ?? []);
    expect(published).toHaveLength(2);
    for (const mapping of published)
      expect(mapping).toMatch(/^(127\.0\.0\.1|\$\{[A-Z_]+:-127\.0\.0\.1\}):/);
  });

  it('runs Redis with a password and the noeviction policy BullMQ needs', () => {
    const command = service('redis').command;
    expect(Array.isArray(command)).toBe(true);
    const args = command as string[];
    expect(args[args.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
    expect(args[args.indexOf('--requirepass') + 1]).toMatch(/^\$\{REDIS_PASSWORD:\?/);
  });
});

describe('pinned runtime and images', () => {
  const dockerfiles = [
    'apps/collector/Dockerfile',
    'apps/dashboard/Dockerfile',
    'packages/platform-sim/Dockerfile',
  ];
  const nodeImages = dockerfiles.flatMap((path) =>
    [...read(path).matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!),
  );
  const shipped = /^node:(\d+)\.(\d+)\.(\d+)-[a-z]+-slim$/.exec(nodeImages[0] ?? '');
  const workflow = read('.github/workflows/ci.yml');

  it('builds every image on one Node.js patch release', () => {
    expect(nodeImages).toHaveLength(6);
    expect(shipped, `${nodeImages[0]} is not node:X.Y.Z-<debian>-slim`).not.toBeNull();
    expect(new Set(nodeImages).size).toBe(1);
  });

  it('tests that release in CI and types the code for its major', () => {
    const version = shipped!.slice(1, 4).join('.');
    const matrix = /node:\s*\[([^\]]*)\]/.exec(workflow)?.[1] ?? '';
    expect(matrix).toContain(`'${version}'`);
    const pkg = JSON.parse(read('package.json')) as {
      devDependencies: Record<string, string>;
      engines: { node: string };
    };
    expect(pkg.devDependencies['@types/node']).toMatch(new RegExp(`^\\^${shipped![1]}\\.`));
    // engines admits the shipped release and the development floor, 20.19.
    expect(satisfies(version, pkg.engines.node)).toBe(true);
    expect(satisfies('20.19.0', pkg.engines.node)).toBe(true);
    expect(satisfies('20.18.9', pkg.engines.node)).toBe(false);
  });

  it('pins MongoDB 8.0 and Redis to exact patch releases, the same in CI', () => {
    const mongo = service('mongo').image ?? '';
    const redis = service('redis').image ?? '';
    expect(mongo).toMatch(/^mongo:8\.0\.\d+$/);
    expect(redis).toMatch(/^redis:(7\.4|8\.\d+)\.\d+$/);
    expect(workflow).toContain(`image: ${mongo}\n`);
    expect(workflow).toContain(`image: ${redis}\n`);
  });
});

/** `^a.b.c` and `>=a.b.c` ranges joined by `||`: all this repository's engines field uses. */
function satisfies(version: string, range: string): boolean {
  const v = version.split('.').map(Number);
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  return range.split('||').some((clause) => {
    const m = /^\s*(\^|>=)(\d+)\.(\d+)\.(\d+)\s*$/.exec(clause);
    if (!m) throw new Error(`engines clause ${JSON.stringify(clause)} is not ^x.y.z or >=x.y.z`);
    const base = [Number(m[2]), Number(m[3]), Number(m[4])];
    return m[1] === '>=' ? compare(v, base) >= 0 : v[0] === base[0] && compare(v, base) >= 0;
  });
}
