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

export function isStoreUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err instanceof mongoose.mongo.MongoNetworkError) return true;
  if (err instanceof mongoose.mongo.MongoServerSelectionError) return true;
  if (STORE_ERROR_NAMES.has(err.name)) return true;
  // Mongoose buffers commands while disconnected and gives up with this message.
  return /buffering timed out/i.test(err.message);
}
