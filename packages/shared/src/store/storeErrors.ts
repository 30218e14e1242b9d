/**
 * Which errors mean "the store cannot be reached right now" (stopped, restarting, network cut),
 * as opposed to a bad document or a bug. The collector pauses and retries such work later; the
 * dashboard answers 503 with one sentence instead of a 500.
 */
import mongoose from 'mongoose';

const STORE_ERROR_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'PoolClearedError',
  'PoolClearedOnNetworkError',
]);

/** Labels the driver puts on errors of a connection that went away. */
const STORE_ERROR_LABELS = ['ResetPool', 'PoolRequestedRetry', 'RetryableWriteError'];

export function isStoreUnavailable(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 3) return false;
  if (err instanceof mongoose.mongo.MongoNetworkError) return true;
  if (err instanceof mongoose.mongo.MongoServerSelectionError) return true;
  if (STORE_ERROR_NAMES.has(err.name)) return true;
  const labels = (err as { errorLabels?: unknown }).errorLabels;
  if (Array.isArray(labels) && labels.some((l) => STORE_ERROR_LABELS.includes(String(l))))
    return true;
  // Mongoose buffers commands while disconnected and gives up with this message.
  if (/buffering timed out/i.test(err.message)) return true;
  // A bulk write or a wrapper whose cause is one of the above.
  return isStoreUnavailable(err.cause, depth + 1);
}
