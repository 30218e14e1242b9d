import { createHash } from 'node:crypto';

import { ServiceError, reason } from './errors';

/** Longest database name we produce (MongoDB allows < 64 bytes; FerretDB turns it into a file). */
export const MAX_DB_NAME = 63;

/**
 * Validates a Redis URL (from REDIS_URL) and returns it parsed. Throws a one-sentence ServiceError
 * on anything but redis: / rediss: URLs with a host.
 */
export function parseRedisUrl(value: string, source = 'REDIS_URL'): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ServiceError(
      `${source} is not a valid URL (expected something like redis://127.0.0.1:6379).`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ServiceError(
      `${source} must start with redis:// or rediss://, not ${url.protocol}//.`,
    );
  }
  if (url.hostname === '') {
    throw new ServiceError(
      `${source} has no host (expected something like redis://127.0.0.1:6379).`,
    );
  }
  return url;
}

/** "host:port" of a Redis URL, never its password. */
export function redisHost(url: URL): string {
  return `${url.hostname}:${url.port || '6379'}`;
}

interface MongoUriParts {
  /** "mongodb://" or "mongodb+srv://" */
  scheme: string;
  /** "user:pass@" or "" */
  userinfo: string;
  /** "h1:27017,h2:27017" */
  hosts: string;
  /** database name from the path, "" when absent */
  database: string;
  /** "?a=b" or "" */
  query: string;
}

/** Splits a MongoDB connection string. Throws a one-sentence ServiceError when it is not one. */
export function parseMongoUri(value: string, source = 'MONGODB_URI'): MongoUriParts {
  const m = /^(mongodb(?:\+srv)?:\/\/)([^/?#]*)(?:\/([^?#]*))?(\?[^#]*)?$/.exec(value.trim());
  if (!m) {
    throw new ServiceError(
      `${source} must start with mongodb:// or mongodb+srv:// (for example mongodb://127.0.0.1:27017/).`,
    );
  }
  const authority = m[2] ?? '';
  const at = authority.lastIndexOf('@');
  const hosts = at >= 0 ? authority.slice(at + 1) : authority;
  if (hosts === '') {
    throw new ServiceError(`${source} has no host (for example mongodb://127.0.0.1:27017/).`);
  }
  return {
    scheme: m[1] ?? 'mongodb://',
    userinfo: at >= 0 ? authority.slice(0, at + 1) : '',
    hosts,
    database: m[3] ?? '',
    query: m[4] ?? '',
  };
}

/** The host list of a MongoDB URI ("h1:27017,h2:27017"), never the credentials. */
export function mongoHosts(uri: string): string {
  try {
    return parseMongoUri(uri).hosts;
  } catch {
    return '(unparseable MONGODB_URI)';
  }
}

/** Replaces every occurrence of the URI's password (raw and decoded) in a text. */
export function redactSecrets(text: string, uri: string): string {
  let out = text;
  const m = /^[a-z+]+:\/\/([^@/?#]*)@/i.exec(uri);
  const userinfo = m?.[1];
  if (userinfo && userinfo.includes(':')) {
    const raw = userinfo.slice(userinfo.indexOf(':') + 1);
    let decoded = raw;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      // keep raw
    }
    for (const secret of new Set([raw, decoded])) {
      if (secret !== '') out = out.split(secret).join('***');
    }
  }
  return out;
}

/**
 * Turns any label (a test file path, a run tag) into a database name that MongoDB and FerretDB
 * both accept: `[a-z0-9_]`, starting with a letter, at most 63 characters. Long names are cut and
 * get a hash suffix so that different labels stay different.
 */
export function sanitizeDbName(label: string): string {
  let name = label
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (name === '') {
    throw new ServiceError(`cannot make a database name from ${JSON.stringify(label)}.`);
  }
  if (!/^[a-z]/.test(name)) name = `db_${name}`;
  if (name.length > MAX_DB_NAME) {
    const hash = createHash('sha256').update(label).digest('hex').slice(0, 8);
    name = `${name.slice(0, MAX_DB_NAME - 9).replace(/_+$/, '')}_${hash}`;
  }
  return name;
}

/** The same connection string pointing at database `sanitizeDbName(name)`; options are kept. */
export function isolatedDbUri(baseUri: string, name: string): string {
  const parts = parseMongoUri(baseUri);
  return `${parts.scheme}${parts.userinfo}${parts.hosts}/${sanitizeDbName(name)}${parts.query}`;
}

/** Checks a MONGODB_URI value and wraps parse errors in a ServiceError. */
export function validateMongoUri(value: string, source = 'MONGODB_URI'): string {
  try {
    parseMongoUri(value, source);
    return value.trim();
  } catch (err) {
    if (err instanceof ServiceError) throw err;
    throw new ServiceError(`${source} is invalid: ${reason(err)}.`);
  }
}
