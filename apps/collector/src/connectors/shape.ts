/**
 * Reading a platform's JSON without trusting it: each accessor checks one value and throws a
 * ShapeError naming the path, and `readShape` turns that into a PlatformError (`retry`), so a
 * platform that changes its answer shape gives one clear sentence instead of a TypeError.
 */
import type { Platform } from '@reachline/shared';
import { PlatformError } from './types';
import { PLATFORM_LABELS } from './labels';

export class ShapeError extends Error {
  override name = 'ShapeError';
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${path} is not ${expected}`);
  }
}

export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asRecord(v: unknown, path: string): Json {
  if (!isRecord(v)) throw new ShapeError(path, 'an object');
  return v;
}

export function asArray(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new ShapeError(path, 'an array');
  return v;
}

export function asString(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new ShapeError(path, 'a string');
  return v;
}

/** A string that may be absent (undefined or null); '' stays ''. */
export function asOptionalString(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  return asString(v, path);
}

/** An id: platforms send them as strings, some SDK-shaped answers as numbers. */
export function asId(v: unknown, path: string): string {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  if (typeof v !== 'string' || v === '') throw new ShapeError(path, 'an id');
  return v;
}

/** A count: a finite number, or a string of digits (YouTube sends counts as strings). */
export function asCount(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  throw new ShapeError(path, 'a count');
}

/** An instant: ISO 8601 (Graph's `+0000` offsets included) or Unix seconds. */
export function asInstant(v: unknown, path: string): Date {
  let d: Date | undefined;
  if (typeof v === 'number' && Number.isFinite(v)) d = new Date(v * 1000);
  if (typeof v === 'string') d = new Date(v.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  if (d === undefined || Number.isNaN(d.getTime())) throw new ShapeError(path, 'a date');
  return d;
}

/** Numeric entries of an object (non-numbers skipped), e.g. X `public_metrics`. */
export function numericEntries(v: Json): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'number' && Number.isFinite(x)) out[k] = x;
  }
  return out;
}

/** Run a reader; a ShapeError becomes the platform's `retry` PlatformError. */
export function readShape<T>(platform: Platform, what: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ShapeError) throw unexpectedShape(platform, what, err.message);
    throw err;
  }
}

export function unexpectedShape(platform: Platform, what: string, detail: string): PlatformError {
  return new PlatformError(
    platform,
    'retry',
    `${PLATFORM_LABELS[platform]} answered ${what} in an unexpected shape (${detail}); it will be retried, and if it persists the platform has changed its API.`,
    { code: 'unexpected_shape' },
  );
}
