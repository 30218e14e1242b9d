/**
 * An error whose message is one sentence meant for a human at a terminal. Its `stack` is just the
 * message, so vitest and the CLI print it without a trace.
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';

  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`;
  }
}

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof ServiceError;
}

/** The first line of an error's message, without a trailing period, for use inside a sentence. */
export function reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return line.trim().replace(/\.$/, '');
}
