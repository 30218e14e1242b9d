/**
 * Rules every connector's `readReach` follows, in one place: the batch size is checked before any
 * call; per-post failures are returned, but when nothing was read and every failure is about the
 * account (token, permission, throttle), the call as a whole failed and that error is thrown.
 */
import type { Platform } from '@reachline/shared';
import { postFailure } from './http';
import { PLATFORM_LABELS } from './labels';
import {
  PlatformError,
  type ConnectorAccount,
  type FailureClass,
  type ReachBatchResult,
  type ReachReading,
} from './types';

/** Failures that concern the account, not one post. */
const ACCOUNT_LEVEL: ReadonlySet<FailureClass> = new Set([
  'token_invalid',
  'permission_missing',
  'throttled',
]);

/** Refuses a batch the connector cannot send (a caller bug), before any call is made. */
export function checkBatch(
  platform: Platform,
  account: ConnectorAccount,
  externalIds: readonly string[],
  batchLimit: number,
): void {
  if (account.platform !== platform) {
    throw new PlatformError(
      platform,
      'bad_request',
      `The ${PLATFORM_LABELS[platform]} connector was given a ${account.platform} account.`,
    );
  }
  if (externalIds.length > batchLimit) {
    throw new PlatformError(
      platform,
      'bad_request',
      `${PLATFORM_LABELS[platform]} reads at most ${batchLimit} posts per call; split the ${externalIds.length} posts into batches.`,
    );
  }
}

/** The result, or the account-level error when that is all there is. */
export function finishBatch(result: ReachBatchResult): ReachBatchResult {
  const { readings, failures } = result;
  const first = failures[0];
  if (
    readings.length === 0 &&
    first !== undefined &&
    failures.every((f) => ACCOUNT_LEVEL.has(f.error.failureClass))
  ) {
    throw first.error;
  }
  return result;
}

/** Every asked post the answer left out becomes a failure of `failureClass`, saying `why`. */
export function failLeftOut(
  result: ReachBatchResult,
  platform: Platform,
  asked: readonly string[],
  answered: ReadonlySet<string>,
  failureClass: FailureClass,
  why: string,
): void {
  for (const id of asked) {
    if (!answered.has(id))
      result.failures.push({ externalId: id, error: postFailure(platform, id, failureClass, why) });
  }
}

export const emptyResult = (): ReachBatchResult => ({
  readings: [],
  failures: [],
  droppedMetrics: [],
  apiCalls: 0,
});

/** Failures after which later calls of the same run would fail too. */
const STOPPING: ReadonlySet<FailureClass> = new Set([...ACCOUNT_LEVEL, 'retry']);

/** Times a post whose call failed the `retry` way is asked again before it stops the run. */
export const IN_PLACE_RETRIES = 2;
/** The pause before the first of those, doubled for the next, with ±50 % jitter. */
const IN_PLACE_PAUSE_MS = 250;

/**
 * One call per post, a few at a time (Instagram insights, LINE message events). A failure that
 * will hit every later call as well (token, permission, throttle, 5xx, timeout) stops the run:
 * posts not yet asked for get the same failure instead of a call each. A `retry` failure (5xx,
 * timeout, cut-off body) is first asked again in place, up to IN_PLACE_RETRIES times after a short
 * pause, so that one sporadic error does not send the rest of the batch to a later tick; only a
 * post that keeps failing stops the run. `readOne` counts its own calls in `result.apiCalls` (a
 * post may cost more than one).
 */
export async function readEach(
  externalIds: readonly string[],
  concurrency: number,
  readOne: (externalId: string, result: ReachBatchResult) => Promise<ReachReading>,
): Promise<ReachBatchResult> {
  const result = emptyResult();
  let stop: PlatformError | undefined;
  let next = 0;
  const readRetrying = async (externalId: string): Promise<ReachReading> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await readOne(externalId, result);
      } catch (err) {
        const again =
          err instanceof PlatformError &&
          err.failureClass === 'retry' &&
          attempt < IN_PLACE_RETRIES &&
          stop === undefined;
        if (!again) throw err;
        const pause = IN_PLACE_PAUSE_MS * 2 ** attempt * (0.5 + Math.random());
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  };
  const worker = async (): Promise<void> => {
    while (next < externalIds.length) {
      const externalId = externalIds[next++] as string;
      if (stop) {
        result.failures.push({ externalId, error: stop });
        continue;
      }
      try {
        result.readings.push(await readRetrying(externalId));
      } catch (err) {
        if (!(err instanceof PlatformError)) throw err;
        result.failures.push({ externalId, error: err });
        if (STOPPING.has(err.failureClass)) stop ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, externalIds.length) }, worker));
  // Every post failed the same systemic way: that is a failure of the whole call.
  if (
    stop &&
    result.readings.length === 0 &&
    result.failures.every((f) => STOPPING.has(f.error.failureClass))
  ) {
    throw stop;
  }
  return result;
}
