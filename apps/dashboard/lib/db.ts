import 'server-only';
import { bumpDataVersion } from './dataVersion';
import { ConfigError, loadConfig, serviceHostOf as hostOf } from '@reachline/shared/config';
import { createModels, type ReachlineModels } from '@reachline/shared/models';
import { isStoreUnavailable } from '@reachline/shared/store';
import mongoose from 'mongoose';

interface Store {
  connection: mongoose.Connection;
  models: ReachlineModels;
}

/** A problem the page can show as one sentence instead of crashing. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

// One connection per server process, kept across hot reloads in development.
const cache = globalThis as typeof globalThis & { __reachlineStore?: Promise<Store> };

async function connect(): Promise<Store> {
  let uri: string;
  try {
    uri = loadConfig(process.env, { require: ['MONGODB_URI'] }).MONGODB_URI;
  } catch (err) {
    if (err instanceof ConfigError) throw new StoreUnavailableError(err.message);
    throw err;
  }
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5_000,
    autoIndex: false,
  });
  try {
    await connection.asPromise();
  } catch (err) {
    await connection.close(true).catch(() => undefined);
    throw new StoreUnavailableError(
      `Cannot reach MongoDB at ${hostOf(uri)} (${(err as Error).message.split('\n')[0]}): check MONGODB_URI.`,
    );
  }
  return { connection, models: createModels(connection) };
}

/**
 * The failure as a StoreUnavailableError when it means the store cannot be reached (at start or
 * while running: stopped, restarting, network cut), else null (a bug: let it surface).
 */
export function storeProblemOf(err: unknown): StoreUnavailableError | null {
  const problem = storeProblemMessage(err);
  // Whatever was rendered or answered around a store failure must not be kept by the page cache.
  if (problem) bumpDataVersion();
  return problem;
}

function storeProblemMessage(err: unknown): StoreUnavailableError | null {
  if (err instanceof StoreUnavailableError) return err;
  if (!isStoreUnavailable(err)) return null;
  let host = 'the store';
  try {
    host = `MongoDB at ${hostOf(loadConfig(process.env, { require: ['MONGODB_URI'] }).MONGODB_URI)}`;
  } catch {
    // keep the generic name
  }
  return new StoreUnavailableError(
    `${host} does not answer right now; the dashboard tries again by itself.`,
  );
}

export function getStore(): Promise<Store> {
  if (!cache.__reachlineStore) {
    cache.__reachlineStore = connect().catch((err: unknown) => {
      cache.__reachlineStore = undefined; // retry on the next request
      throw err;
    });
  }
  return cache.__reachlineStore;
}

export async function pingStore(): Promise<{ ok: boolean; error?: string }> {
  try {
    const { connection } = await getStore();
    await connection.db?.admin().ping();
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      error: err instanceof StoreUnavailableError ? err.message : 'store did not answer',
    };
  }
}
