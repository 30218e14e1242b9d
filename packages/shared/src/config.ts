/**
 * Configuration from environment variables, validated once at start-up through zod. A bad or
 * missing variable stops the app with one sentence that names the variable and says what to set,
 * because the person reading it is an operator looking at `docker compose logs`, not a developer.
 *
 * Nothing is read at import time: call `loadConfig()` from the app's entry point.
 */
import { z } from 'zod';

const NODE_ENVS = ['development', 'test', 'production'] as const;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A whole number given as decimal digits, within [min, max]. */
const intVariable = (min: number, max: number) =>
  z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max));

/** An http(s) base URL, kept without a trailing slash so callers can append `/path`. */
const baseUrlVariable = (fallback: string) =>
  z
    .string()
    .refine((value) => {
      const url = tryParseUrl(value);
      return url !== null && (url.protocol === 'http:' || url.protocol === 'https:');
    })
    .transform((value) => value.replace(/\/+$/, ''))
    .default(fallback);

function tryParseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** redis://[user:pass@]host[:port][/db] or rediss://…, checked with the WHATWG URL parser. */
function isRedisUrl(value: string): boolean {
  const url = tryParseUrl(value);
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:')) return false;
  if (url.hostname === '') return false;
  if (url.port !== '' && Number(url.port) < 1) return false; // the parser already rejects > 65535
  return url.pathname === '' || url.pathname === '/' || /^\/\d+$/.test(url.pathname);
}

/** Five or six cron fields (node-cron accepts an optional seconds field). */
function isCronExpression(value: string): boolean {
  const fields = value.trim().split(/\s+/);
  return (
    (fields.length === 5 || fields.length === 6) &&
    fields.every((f) => /^[\d*/,?LW#A-Za-z-]+$/.test(f))
  );
}

export const configSchema = z.object({
  NODE_ENV: z.enum(NODE_ENVS).default('development'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/[^\s/?#]+/)
    .optional(),
  REDIS_URL: z.string().refine(isRedisUrl).optional(),
  DASHBOARD_PORT: intVariable(1, 65535).default(3000),
  TOKEN_ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .optional(),
  SESSION_SECRET: z.string().min(32).optional(),
  FACEBOOK_API_BASE: baseUrlVariable('https://graph.facebook.com/v25.0'),
  INSTAGRAM_API_BASE: baseUrlVariable('https://graph.facebook.com/v25.0'),
  X_API_BASE: baseUrlVariable('https://api.x.com'),
  YOUTUBE_API_BASE: baseUrlVariable('https://www.googleapis.com/youtube/v3'),
  TIKTOK_API_BASE: baseUrlVariable('https://open.tiktokapis.com'),
  LINE_API_BASE: baseUrlVariable('https://api.line.me'),
  COLLECTOR_CONCURRENCY: intVariable(1, 64).default(4),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .default('reachline'),
  HARVEST_TICK_CRON: z.string().refine(isCronExpression).default('*/1 * * * *'),
  DISCOVERY_CRON: z.string().refine(isCronExpression).default('*/15 * * * *'),
  COLLECTOR_HTTP_PORT: intVariable(0, 65535).default(9464),
  COLLECTOR_CLOCK: z
    .string()
    .refine((v) => v === 'system' || /^https?:\/\/[^\s]+$/.test(v))
    .default('system'),
  SIM_ADMIN_TOKEN: z.string().min(8).optional(),
  KPI_THRESHOLD: intVariable(1, 1_000_000_000).default(3000),
  ADMIN_EMAIL: z
    .string()
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/)
    .optional(),
  ADMIN_PASSWORD: z.string().min(12).max(200).optional(),
  SESSION_TTL_HOURS: intVariable(1, 24 * 90).default(12),
  PAGE_CACHE_SECONDS: intVariable(0, 3600).default(60),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigKey = keyof Config;

/** Variables with no safe default: absent unless set, and demanded per app via `require`. */
export type OptionalConfigKey = {
  [K in ConfigKey]-?: undefined extends Config[K] ? K : never;
}[ConfigKey];

interface VariableHelp {
  /** What a valid value looks like, after "expected". */
  expected: string;
  /** What to do when it is missing, after "is missing:". */
  whenMissing?: string;
  /** Never echo the value, even when it is wrong. */
  secret?: boolean;
  /** Echo the value with any `user:password@` removed. */
  hasCredentials?: boolean;
  requiredInProduction?: boolean;
}

const httpBase = 'an http:// or https:// base URL';

const HELP: Record<ConfigKey, VariableHelp> = {
  NODE_ENV: { expected: 'one of development, test, production' },
  LOG_LEVEL: { expected: 'one of debug, info, warn, error' },
  MONGODB_URI: {
    expected: 'a mongodb:// or mongodb+srv:// connection string',
    whenMissing: 'set it to a mongodb:// connection string',
    hasCredentials: true,
  },
  REDIS_URL: {
    expected: 'redis://host:port or rediss://host:port',
    whenMissing: 'set it to a redis://host:port URL',
    hasCredentials: true,
  },
  DASHBOARD_PORT: { expected: 'a port number from 1 to 65535' },
  TOKEN_ENCRYPTION_KEY: {
    expected: '64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`',
    whenMissing: 'set it to 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`',
    secret: true,
    requiredInProduction: true,
  },
  SESSION_SECRET: {
    expected: 'a random string of at least 32 characters',
    whenMissing: 'set it to a random string of at least 32 characters',
    secret: true,
    requiredInProduction: true,
  },
  FACEBOOK_API_BASE: { expected: httpBase },
  INSTAGRAM_API_BASE: { expected: httpBase },
  X_API_BASE: { expected: httpBase },
  YOUTUBE_API_BASE: { expected: httpBase },
  TIKTOK_API_BASE: { expected: httpBase },
  LINE_API_BASE: { expected: httpBase },
  COLLECTOR_CONCURRENCY: { expected: 'a whole number from 1 to 64' },
  QUEUE_PREFIX: {
    expected: '1 to 40 letters, digits, "-" or "_" (the Redis key prefix of the queues)',
  },
  HARVEST_TICK_CRON: { expected: 'a cron expression with 5 or 6 fields such as "*/1 * * * *"' },
  DISCOVERY_CRON: { expected: 'a cron expression with 5 or 6 fields such as "*/15 * * * *"' },
  COLLECTOR_HTTP_PORT: {
    expected:
      "a port number from 0 to 65535 for the collector's /healthz and /metrics (0: any free port)",
  },
  COLLECTOR_CLOCK: {
    expected:
      '"system", or the admin URL of a platform simulator whose clock to follow (demo only), e.g. http://127.0.0.1:4100/_sim',
  },
  SIM_ADMIN_TOKEN: {
    expected: "the platform simulator's admin token (at least 8 characters)",
    secret: true,
  },
  KPI_THRESHOLD: { expected: 'a whole number of people, at least 1' },
  ADMIN_EMAIL: {
    expected: "the first admin's email address, such as pr-admin@example.go.th",
  },
  ADMIN_PASSWORD: {
    expected: "the first admin's password, 12 to 200 characters",
    secret: true,
  },
  SESSION_TTL_HOURS: { expected: 'how long a sign-in lasts, in hours, from 1 to 2160' },
  PAGE_CACHE_SECONDS: {
    expected:
      'how long a rendered page may be served again while nothing changed, 0 to 3600 (0: off)',
  },
};

const CONFIG_KEYS = Object.keys(HELP) as ConfigKey[];

/** A configuration problem; `message` is the first problem, `problems` lists every one. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly problems: readonly string[],
    readonly variables: readonly ConfigKey[],
  ) {
    super(problems[0] ?? 'Configuration is invalid');
  }
}

export interface LoadConfigOptions<K extends OptionalConfigKey> {
  /** Variables this app cannot run without, e.g. `['MONGODB_URI', 'REDIS_URL']`. */
  require?: readonly K[];
}

export type LoadedConfig<K extends OptionalConfigKey> = Config & {
  [P in K]-?: NonNullable<Config[P]>;
};

/**
 * Reads and validates the configuration from `env` (default `process.env`). Empty strings count
 * as unset, as they do in a `.env` file with `KEY=`. Throws `ConfigError` on the first problem.
 */
export function loadConfig<K extends OptionalConfigKey = never>(
  env: Record<string, string | undefined> = process.env,
  options: LoadConfigOptions<K> = {},
): LoadedConfig<K> {
  const input: Record<string, string | undefined> = {};
  for (const key of CONFIG_KEYS) {
    const value = env[key]?.trim();
    input[key] = value === '' ? undefined : value;
  }

  const found = new Map<ConfigKey, string>();
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as ConfigKey;
      if (!found.has(key)) found.set(key, malformed(key, input[key]));
    }
  } else {
    const config = parsed.data;
    const required = new Set<ConfigKey>(options.require ?? []);
    if (config.NODE_ENV === 'production') {
      for (const key of CONFIG_KEYS) if (HELP[key].requiredInProduction) required.add(key);
    }
    for (const key of required) {
      if (config[key] === undefined) found.set(key, missing(key, config.NODE_ENV));
    }
    if (found.size === 0) return config as LoadedConfig<K>;
  }

  // Report in a fixed order so the same environment always gives the same first sentence.
  const keys = CONFIG_KEYS.filter((key) => found.has(key));
  throw new ConfigError(
    keys.map((key) => found.get(key)!),
    keys,
  );
}

function malformed(key: ConfigKey, value: string | undefined): string {
  const help = HELP[key];
  return `${key} is malformed: expected ${help.expected} (${shownValue(key, value ?? '')})`;
}

function missing(key: ConfigKey, nodeEnv: Config['NODE_ENV']): string {
  const help = HELP[key];
  const why =
    help.requiredInProduction && nodeEnv === 'production' ? ' (required in production)' : '';
  return `${key} is missing: ${help.whenMissing ?? `set it to ${help.expected}`}${why}`;
}

/** The value as it may appear in a log line: never a secret, never a password in a URL. */
function shownValue(key: ConfigKey, value: string): string {
  const help = HELP[key];
  if (help.secret) return 'value hidden';
  let shown = help.hasCredentials
    ? value.replace(/^([a-z][a-z0-9+.-]*:\/\/)?\S*@/i, '$1***@')
    : value;
  if (shown.length > 80) shown = `${shown.slice(0, 77)}...`;
  return `got ${JSON.stringify(shown)}`;
}

/**
 * `host:port` of a service connection string, never its credentials: what start-up errors and
 * logs may say about where the store or Redis is.
 */
export function serviceHostOf(uri: string): string {
  // Not the URL parser: a replica-set string (mongodb://a:27017,b:27017/db) is not a valid URL.
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]+)/i.exec(uri.trim());
  return match?.[1] ?? '(unparseable address)';
}
