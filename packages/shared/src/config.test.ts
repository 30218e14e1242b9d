import { describe, expect, it } from 'vitest';
import { ConfigError, type OptionalConfigKey, loadConfig, serviceHostOf } from './config';

const KEY = 'a'.repeat(64);
const SECRET = 's3cret-'.repeat(6);

/** Runs loadConfig and returns the ConfigError it throws (fails the test if it does not). */
function configError(
  env: Record<string, string | undefined>,
  require: OptionalConfigKey[] = [],
): ConfigError {
  try {
    loadConfig(env, { require });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loadConfig: defaults', () => {
  it('an empty environment gives the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DASHBOARD_PORT: 3000,
      FACEBOOK_API_BASE: 'https://graph.facebook.com/v25.0',
      INSTAGRAM_API_BASE: 'https://graph.facebook.com/v25.0',
      X_API_BASE: 'https://api.x.com',
      YOUTUBE_API_BASE: 'https://www.googleapis.com/youtube/v3',
      TIKTOK_API_BASE: 'https://open.tiktokapis.com',
      LINE_API_BASE: 'https://api.line.me',
      COLLECTOR_CONCURRENCY: 4,
      QUEUE_PREFIX: 'reachline',
      HARVEST_TICK_CRON: '*/1 * * * *',
      DISCOVERY_CRON: '*/15 * * * *',
      COLLECTOR_HTTP_PORT: 9464,
      COLLECTOR_CLOCK: 'system',
      KPI_THRESHOLD: 3000,
      SESSION_TTL_HOURS: 12,
      PAGE_CACHE_SECONDS: 60,
    });
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root' })).not.toHaveProperty('PATH');
  });
});

describe('loadConfig: valid values', () => {
  it.each([
    ['NODE_ENV', 'production', 'production', { TOKEN_ENCRYPTION_KEY: KEY, SESSION_SECRET: SECRET }],
    ['LOG_LEVEL', 'debug', 'debug', {}],
    [
      'MONGODB_URI',
      'mongodb://127.0.0.1:27017/reachline',
      'mongodb://127.0.0.1:27017/reachline',
      {},
    ],
    [
      'MONGODB_URI',
      'mongodb+srv://u:p@cluster0.example.net/db',
      'mongodb+srv://u:p@cluster0.example.net/db',
      {},
    ],
    [
      'MONGODB_URI',
      'mongodb://a:27017,b:27017/db?replicaSet=rs0',
      'mongodb://a:27017,b:27017/db?replicaSet=rs0',
      {},
    ],
    ['REDIS_URL', 'redis://localhost:6379', 'redis://localhost:6379', {}],
    [
      'REDIS_URL',
      'rediss://:pw@cache.example.net:6380/2',
      'rediss://:pw@cache.example.net:6380/2',
      {},
    ],
    ['REDIS_URL', 'redis://localhost', 'redis://localhost', {}],
    ['DASHBOARD_PORT', '8080', 8080, {}],
    ['TOKEN_ENCRYPTION_KEY', 'AbCdEf0123456789'.repeat(4), 'AbCdEf0123456789'.repeat(4), {}],
    ['SESSION_SECRET', SECRET, SECRET, {}],
    ['FACEBOOK_API_BASE', 'http://127.0.0.1:4010/v25.0/', 'http://127.0.0.1:4010/v25.0', {}],
    ['LINE_API_BASE', 'http://localhost:4010/line', 'http://localhost:4010/line', {}],
    ['COLLECTOR_CONCURRENCY', '64', 64, {}],
    ['COLLECTOR_CONCURRENCY', ' 1 ', 1, {}],
    ['HARVEST_TICK_CRON', '*/5 * * * * *', '*/5 * * * * *', {}],
    ['KPI_THRESHOLD', '5000', 5000, {}],
    ['PAGE_CACHE_SECONDS', '0', 0, {}],
  ] as const)('%s=%s -> %s', (key, value, expected, extra) => {
    expect(loadConfig({ ...extra, [key]: value })[key]).toBe(expected);
  });

  it('treats an empty string as unset (KEY= in a .env file)', () => {
    expect(loadConfig({ DASHBOARD_PORT: '', MONGODB_URI: '' })).toMatchObject({
      DASHBOARD_PORT: 3000,
      MONGODB_URI: undefined,
    });
  });
});

describe('loadConfig: malformed values', () => {
  it.each([
    [
      'NODE_ENV',
      'staging',
      'NODE_ENV is malformed: expected one of development, test, production (got "staging")',
    ],
    [
      'LOG_LEVEL',
      'verbose',
      'LOG_LEVEL is malformed: expected one of debug, info, warn, error (got "verbose")',
    ],
    [
      'MONGODB_URI',
      'postgres://db/x',
      'MONGODB_URI is malformed: expected a mongodb:// or mongodb+srv:// connection string (got "postgres://db/x")',
    ],
    [
      'MONGODB_URI',
      'mongodb://',
      'MONGODB_URI is malformed: expected a mongodb:// or mongodb+srv:// connection string (got "mongodb://")',
    ],
    [
      'REDIS_URL',
      'foo',
      'REDIS_URL is malformed: expected redis://host:port or rediss://host:port (got "foo")',
    ],
    [
      'REDIS_URL',
      'http://localhost:6379',
      'REDIS_URL is malformed: expected redis://host:port or rediss://host:port (got "http://localhost:6379")',
    ],
    [
      'REDIS_URL',
      'redis://localhost:99999',
      'REDIS_URL is malformed: expected redis://host:port or rediss://host:port (got "redis://localhost:99999")',
    ],
    [
      'REDIS_URL',
      'redis://localhost:0',
      'REDIS_URL is malformed: expected redis://host:port or rediss://host:port (got "redis://localhost:0")',
    ],
    [
      'REDIS_URL',
      'redis://localhost:6379/cache',
      'REDIS_URL is malformed: expected redis://host:port or rediss://host:port (got "redis://localhost:6379/cache")',
    ],
    [
      'DASHBOARD_PORT',
      '70000',
      'DASHBOARD_PORT is malformed: expected a port number from 1 to 65535 (got "70000")',
    ],
    [
      'DASHBOARD_PORT',
      '30a0',
      'DASHBOARD_PORT is malformed: expected a port number from 1 to 65535 (got "30a0")',
    ],
    [
      'FACEBOOK_API_BASE',
      'graph.facebook.com',
      'FACEBOOK_API_BASE is malformed: expected an http:// or https:// base URL (got "graph.facebook.com")',
    ],
    [
      'X_API_BASE',
      'ftp://api.x.com',
      'X_API_BASE is malformed: expected an http:// or https:// base URL (got "ftp://api.x.com")',
    ],
    [
      'QUEUE_PREFIX',
      'bull:harvest',
      'QUEUE_PREFIX is malformed: expected 1 to 40 letters, digits, "-" or "_" (the Redis key prefix of the queues) (got "bull:harvest")',
    ],
    [
      'COLLECTOR_CONCURRENCY',
      '0',
      'COLLECTOR_CONCURRENCY is malformed: expected a whole number from 1 to 64 (got "0")',
    ],
    [
      'COLLECTOR_CONCURRENCY',
      '65',
      'COLLECTOR_CONCURRENCY is malformed: expected a whole number from 1 to 64 (got "65")',
    ],
    [
      'COLLECTOR_CONCURRENCY',
      '2.5',
      'COLLECTOR_CONCURRENCY is malformed: expected a whole number from 1 to 64 (got "2.5")',
    ],
    [
      'HARVEST_TICK_CRON',
      'every minute',
      'HARVEST_TICK_CRON is malformed: expected a cron expression with 5 or 6 fields such as "*/1 * * * *" (got "every minute")',
    ],
    [
      'KPI_THRESHOLD',
      '-3000',
      'KPI_THRESHOLD is malformed: expected a whole number of people, at least 1 (got "-3000")',
    ],
    [
      'PAGE_CACHE_SECONDS',
      '1h',
      'PAGE_CACHE_SECONDS is malformed: expected how long a rendered page may be served again while nothing changed, 0 to 3600 (0: off) (got "1h")',
    ],
  ])('%s=%s', (key, value, message) => {
    const err = configError({ [key]: value });
    expect(err.message).toBe(message);
    expect(err.variables).toEqual([key]);
  });

  it.each([
    ['TOKEN_ENCRYPTION_KEY', 'not-hex-'.repeat(8)],
    ['TOKEN_ENCRYPTION_KEY', 'ab'.repeat(16)], // 16 bytes: AES-128, not 256
    ['SESSION_SECRET', 'short-secret'],
  ])('%s never echoes a secret value', (key, value) => {
    const err = configError({ [key]: value });
    expect(err.message).toMatch(
      new RegExp(`^${key} is malformed: expected .+ \\(value hidden\\)$`),
    );
    expect(err.message).not.toContain(value);
  });

  it.each([
    ['MONGODB_URI', 'mongo://admin:hunter2@db:27017/x', 'mongo://***@db:27017/x'],
    ['REDIS_URL', 'redis://:hunter2@cache:6379/x', 'redis://***@cache:6379/x'],
    ['REDIS_URL', 'user:hunter2@cache', '***@cache'],
  ])('%s hides the password of a malformed URL', (key, value, shown) => {
    const err = configError({ [key]: value });
    expect(err.message).not.toContain('hunter2');
    expect(err.message).toContain(`(got "${shown}")`);
  });

  it('reports every problem, in a fixed order, with the first as the message', () => {
    const err = configError({ COLLECTOR_CONCURRENCY: '0', LOG_LEVEL: 'loud' });
    expect(err.variables).toEqual(['LOG_LEVEL', 'COLLECTOR_CONCURRENCY']);
    expect(err.problems).toHaveLength(2);
    expect(err.message).toBe(err.problems[0]);
  });
});

describe('loadConfig: required variables', () => {
  it.each([
    [['MONGODB_URI'], {}, 'MONGODB_URI is missing: set it to a mongodb:// connection string'],
    [
      ['REDIS_URL'],
      { MONGODB_URI: 'mongodb://db' },
      'REDIS_URL is missing: set it to a redis://host:port URL',
    ],
    [
      ['MONGODB_URI', 'REDIS_URL'],
      { REDIS_URL: 'redis://r:6379' },
      'MONGODB_URI is missing: set it to a mongodb:// connection string',
    ],
    [
      ['SESSION_SECRET'],
      {},
      'SESSION_SECRET is missing: set it to a random string of at least 32 characters',
    ],
  ] as const)('require %j', (require, env, message) => {
    expect(configError(env, [...require]).message).toBe(message);
  });

  it('narrows the type: required variables are strings', () => {
    const config = loadConfig(
      { MONGODB_URI: 'mongodb://db:27017/x', REDIS_URL: 'redis://r:6379' },
      { require: ['MONGODB_URI', 'REDIS_URL'] },
    );
    const uri: string = config.MONGODB_URI;
    expect(uri).toBe('mongodb://db:27017/x');
  });

  it.each([
    [
      { SESSION_SECRET: SECRET },
      'TOKEN_ENCRYPTION_KEY is missing: set it to 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32` (required in production)',
    ],
    [
      { TOKEN_ENCRYPTION_KEY: KEY },
      'SESSION_SECRET is missing: set it to a random string of at least 32 characters (required in production)',
    ],
  ])('production demands the secrets: %o', (env, message) => {
    expect(configError({ NODE_ENV: 'production', ...env }).message).toBe(message);
  });

  it.each(['development', 'test'])('%s runs without the secrets', (nodeEnv) => {
    expect(loadConfig({ NODE_ENV: nodeEnv }).TOKEN_ENCRYPTION_KEY).toBeUndefined();
  });
});

describe('serviceHostOf', () => {
  it.each([
    [
      'mongodb://user:s3cret@db.example.org:27017/reachline?authSource=admin',
      'db.example.org:27017',
    ],
    ['mongodb://a:27017,b:27017,c:27017/reachline?replicaSet=rs0', 'a:27017,b:27017,c:27017'],
    ['mongodb+srv://u:p@cluster0.example.net/reachline', 'cluster0.example.net'],
    ['redis://:password@127.0.0.1:6379/0', '127.0.0.1:6379'],
    ['rediss://cache.internal', 'cache.internal'],
    ['not a url', '(unparseable address)'],
  ])('%s -> %s', (uri, host) => {
    expect(serviceHostOf(uri)).toBe(host);
  });
});
