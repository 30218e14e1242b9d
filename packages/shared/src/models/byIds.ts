/**
 * Reading many documents by `_id` in one command: `find({_id: {$in: ids}})`, at most
 * BY_IDS_CHUNK ids per command. MongoDB serves it from the `_id` index; so does the embedded
 * FerretDB, through the `$in` pushdown that tools/ferretdb adds (patches.json,
 * `sqlite-id-in-lookups-use-the-id-index`). One command instead of one round trip per document
 * is what keeps a harvest batch's reads cheap (docs/BENCHMARKS.md).
 */
import type { Model, Types } from 'mongoose';

/** The pushdown takes up to 1,000 ids; larger lists are read in chunks of this many. */
export const BY_IDS_CHUNK = 500;

type Id = string | Types.ObjectId;

/**
 * The documents with these ids (lean), by `String(_id)`; a missing id is simply absent. Repeated
 * ids are asked once. `projection` as in `find`.
 */
export async function findByIds<T extends { _id: unknown }>(
  model: Model<T>,
  ids: readonly Id[],
  projection?: Record<string, 0 | 1>,
): Promise<Map<string, T>> {
  const unique = [...new Map(ids.map((id) => [String(id), id])).values()];
  const found = new Map<string, T>();
  for (let i = 0; i < unique.length; i += BY_IDS_CHUNK) {
    const chunk = unique.slice(i, i + BY_IDS_CHUNK);
    const docs = (await model
      .find({ _id: { $in: chunk } } as never, projection ?? null)
      .lean()
      .exec()) as unknown as T[];
    for (const doc of docs) found.set(String(doc._id), doc);
  }
  return found;
}
