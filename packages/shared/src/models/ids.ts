import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Platform } from '../platforms';

/**
 * A stable ObjectId derived from a name. Documents the collector writes are addressed this way,
 * so a re-run (a retried job, a second collector process, a re-import) upserts the same document
 * by `_id`, the one filter the embedded store answers from an index.
 */
export function stableObjectId(name: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha1').update(name).digest('hex').slice(0, 24));
}

/** The `_id` of a platform's post (unique with (platform, externalId) as well). */
export function postObjectId(platform: Platform, externalId: string): Types.ObjectId {
  return stableObjectId(`post:${platform}:${externalId}`);
}

/** The `_id` of a connected account. */
export function accountObjectId(platform: Platform, externalId: string): Types.ObjectId {
  return stableObjectId(`account:${platform}:${externalId}`);
}

/** The `_id` of the harvest_runs row of a job (one per BullMQ job id; a retry updates it). */
export function harvestRunObjectId(jobId: string): Types.ObjectId {
  return stableObjectId(`harvest-run:${jobId}`);
}
