/**
 * How a job's work tells the worker (pipeline.ts) what to do with the job: wait (delayed, not
 * failed) or retry with backoff. Anything else fails the attempt as usual.
 */
import type { Platform } from '@reachline/shared';

/** Thrown when the platform (or our own slow-down) asks to wait: the job is delayed, not failed. */
export class WaitUntil extends Error {
  override name = 'WaitUntil';
  constructor(
    readonly platform: Platform,
    readonly untilMs: number,
    reason: string,
  ) {
    super(reason);
  }
}

/** A failure worth a BullMQ retry with backoff (5xx, timeout, malformed answer). */
export class RetryLater extends Error {
  override name = 'RetryLater';
}
