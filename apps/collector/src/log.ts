/**
 * Structured JSON logs through pino, one line per event on stdout. Fields named like secrets
 * (token, secret, password, authorization, cookie, …key) are masked at any depth here, at the one
 * choke point, so a token that slips into a log call never reaches the log; token-like strings
 * inside messages (Graph's `access_token=` in a URL, `Bearer …`) are masked too.
 */
import {
  destination as pinoDestination,
  pino,
  stdTimeFunctions,
  type DestinationStream,
} from 'pino';

type Level = 'debug' | 'info' | 'warn' | 'error';
const SECRET_KEY = /token|secret|password|authorization|cookie|key$/i;
const SECRET_IN_TEXT = /(access_token=|key=|Bearer\s+|OAuth\s+)[^\s&"']+/gi;

export function redactText(text: string): string {
  return text.replace(SECRET_IN_TEXT, '$1[redacted]');
}

function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  level: Level = 'info',
  base: Record<string, unknown> = {},
  destination?: DestinationStream,
): Logger {
  const logger = pino(
    {
      level,
      base,
      messageKey: 'msg',
      timestamp: stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redact(fields) as Record<string, unknown>,
      },
    },
    destination ?? pinoDestination({ dest: 1, sync: true }),
  );
  const write = (lvl: Level) => (msg: string, fields?: Record<string, unknown>) =>
    logger[lvl](fields ?? {}, redactText(msg));
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
