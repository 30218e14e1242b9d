import 'server-only';
import { type RollupContext, YearSettingsCache } from '@reachline/shared/store';
import { dashboardConfig } from '../../../lib/config';
import { getStore } from '../../../lib/db';
import { getRedis } from '../../../lib/redis';

/**
 * The roll-up's context for one editor action: the store, Redis (the project-year lock and the
 * events) and the deployment's key prefix, which the collector shares, so an editor's change and
 * a harvest never interleave. Settings are read fresh (no cache), since an admin may just have
 * changed them. Null without Redis: without the lock an edit could race a harvest.
 */
export async function editContext(): Promise<RollupContext | null> {
  const redis = getRedis();
  if (!redis) return null;
  const { models } = await getStore();
  return {
    models,
    redis,
    prefix: dashboardConfig().QUEUE_PREFIX,
    settings: new YearSettingsCache(models, 0),
  };
}
