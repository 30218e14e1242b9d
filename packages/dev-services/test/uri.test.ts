import { describe, expect, it } from 'vitest';

import {
  MAX_DB_NAME,
  ServiceError,
  isolatedDbUri,
  mongoHosts,
  parseMongoBackend,
  parseRedisUrl,
  redactSecrets,
  sanitizeDbName,
  validateMongoUri,
} from '../src/index';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ServiceError);
    return (err as Error).message;
  }
  throw new Error('expected a ServiceError');
}

/** One sentence: one line, ends with a period or is the fixed install hint, no stack frames. */
function expectOneSentence(message: string): void {
  expect(message).not.toContain('\n');
  expect(message).not.toMatch(/\bat \S+:\d+/);
}

describe('REDIS_URL validation', () => {
  it('accepts redis:// and rediss:// URLs', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379').port).toBe('6379');
    expect(parseRedisUrl('rediss://:secret@cache.example:6380/2').hostname).toBe('cache.example');
  });

  it('rejects other schemes in one sentence', () => {
    const msg = messageOf(() => parseRedisUrl('http://127.0.0.1:6379'));
    expect(msg).toBe('REDIS_URL must start with redis:// or rediss://, not http://.');
    expectOneSentence(msg);
  });

  it('rejects what is not a URL in one sentence', () => {
    const msg = messageOf(() => parseRedisUrl('localhost:6379 '));
    expectOneSentence(msg);
    expect(msg).toMatch(/^REDIS_URL (is not a valid URL|must start with redis:\/\/)/);
    expect(messageOf(() => parseRedisUrl('not a url'))).toBe(
      'REDIS_URL is not a valid URL (expected something like redis://127.0.0.1:6379).',
    );
  });
});

describe('MONGODB_URI validation', () => {
  it('accepts mongodb:// and mongodb+srv:// with several hosts and options', () => {
    expect(validateMongoUri('mongodb://a:1,b:2/app?replicaSet=rs0')).toBe(
      'mongodb://a:1,b:2/app?replicaSet=rs0',
    );
    expect(mongoHosts('mongodb+srv://u:p%40ss@cluster0.example.net/app')).toBe(
      'cluster0.example.net',
    );
  });

  it('rejects other schemes in one sentence', () => {
    const msg = messageOf(() => validateMongoUri('postgres://127.0.0.1/x'));
    expectOneSentence(msg);
    expect(msg).toMatch(/^MONGODB_URI must start with mongodb:\/\/ or mongodb\+srv:\/\//);
  });

  it('never shows the password, raw or decoded', () => {
    const uri = 'mongodb://app:p%40ss%2Fw0rd@db.example:27017/x';
    const text = 'auth failed for app:p%40ss%2Fw0rd and p@ss/w0rd';
    const out = redactSecrets(text, uri);
    expect(out).not.toContain('p%40ss');
    expect(out).not.toContain('p@ss/w0rd');
    expect(mongoHosts(uri)).toBe('db.example:27017');
  });

  it('MONGO_BACKEND accepts the documented values only', () => {
    expect(parseMongoBackend(undefined)).toBe('auto');
    expect(parseMongoBackend('ferretdb-postgresql')).toBe('ferretdb-postgresql');
    expectOneSentence(messageOf(() => parseMongoBackend('mysql')));
  });
});

describe('database names', () => {
  it('keeps only [a-z0-9_], starts with a letter, at most 63 characters', () => {
    expect(sanitizeDbName('packages/shared/src/KPI.test')).toBe('packages_shared_src_kpi_test');
    expect(sanitizeDbName('2564 รายงาน/ñandú')).toBe('db_2564_nandu');
    const long = sanitizeDbName(`t_abc123_${'apps/collector/src/harvest/'.repeat(5)}x.test`);
    expect(long.length).toBeLessThanOrEqual(MAX_DB_NAME);
    expect(long).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it('keeps long names that differ only at the end different', () => {
    const prefix = 'apps/collector/src/platforms/facebook/'.repeat(3);
    const a = sanitizeDbName(`${prefix}a.test`);
    const b = sanitizeDbName(`${prefix}b.test`);
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(MAX_DB_NAME);
  });

  it('refuses labels with nothing usable', () => {
    expectOneSentence(messageOf(() => sanitizeDbName('ไทย')));
  });

  it('isolatedDbUri replaces the database and keeps credentials and options', () => {
    expect(isolatedDbUri('mongodb://127.0.0.1:27017/', 'x/y.test')).toBe(
      'mongodb://127.0.0.1:27017/x_y_test',
    );
    expect(isolatedDbUri('mongodb://u:p@h1:1,h2:2/app?authSource=admin', 'a')).toBe(
      'mongodb://u:p@h1:1,h2:2/a?authSource=admin',
    );
    expect(isolatedDbUri('mongodb://h', 'a')).toBe('mongodb://h/a');
  });
});
