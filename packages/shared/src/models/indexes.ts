/**
 * The models' indexes, created explicitly (autoIndex is off everywhere).
 *
 * On MongoDB every index the schemas declare is created: the query planner uses them.
 * On FerretDB (the embedded store) only the unique ones are: its SQLite handler pushes down
 * nothing but `_id` equality (and `_id $in`, with tools/ferretdb's patch), so a secondary index
 * never serves a query there and only enforces uniqueness (shared/research/ferretdb.md §4). A
 * non-unique index there is pure write cost: every update rewrites the document's JSON, so SQLite
 * recomputes every index expression on it. A post carried seven indexes, and an update of a post
 * cost about 2 ms of store CPU (docs/BENCHMARKS.md, "Harvest"). So on FerretDB the non-unique
 * indexes the schemas declare are not created, and dropped when an earlier version created them.
 */
import type { Connection, Model } from 'mongoose';
import type { ReachlineModels } from './index';

/** Is the server behind this connection FerretDB (its buildInfo says ferretdbVersion)? */
export async function isFerretdb(connection: Connection): Promise<boolean> {
  const db = connection.db;
  if (!db) throw new Error('the store connection is not open');
  const info = await db.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string';
}

/** Index keys are compared by their fields and directions, in order. */
const keyOf = (key: Record<string, unknown>) => JSON.stringify(Object.entries(key));

/**
 * Creates every model's indexes (on FerretDB: the unique ones, see above), one model after
 * another: concurrent index DDL on FerretDB can deadlock, and a failure should name the model it
 * came from.
 */
export async function ensureIndexes(models: ReachlineModels): Promise<void> {
  const entries = Object.entries(models) as [string, Model<unknown>][];
  if (entries.length === 0) return;
  const uniqueOnly = await isFerretdb(entries[0]![1].db);
  for (const [name, model] of entries) {
    try {
      if (!uniqueOnly) {
        await model.createIndexes();
        continue;
      }
      const declared = model.schema.indexes();
      for (const [fields, options] of declared) {
        if (options.unique === true)
          await model.collection.createIndex(fields as Record<string, 1 | -1>, {
            ...options,
            unique: true,
          });
      }
      const secondary = new Set(
        declared.filter(([, o]) => o.unique !== true).map(([fields]) => keyOf(fields)),
      );
      if (secondary.size === 0) continue;
      // A collection not created yet has no index to drop (NamespaceNotFound, code 26).
      const existing = await model.collection
        .listIndexes()
        .toArray()
        .catch((err: unknown) => {
          if ((err as { code?: number }).code === 26) return [];
          throw err;
        });
      for (const ix of existing as {
        name: string;
        key: Record<string, unknown>;
        unique?: boolean;
      }[]) {
        if (ix.name !== '_id_' && ix.unique !== true && secondary.has(keyOf(ix.key))) {
          await model.collection.dropIndex(ix.name);
        }
      }
    } catch (err) {
      throw new Error(
        `Creating indexes for ${name} (${model.collection.collectionName}) failed: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
}
