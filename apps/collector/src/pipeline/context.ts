/** Everything a discovery or harvest step needs, built once per collector process. */
import type { Redis } from 'ioredis';
import type { Platform } from '@reachline/shared';
import type { ReachlineModels } from '@reachline/shared/models';
import type { Clock } from '../clock';
import type { Connector } from '../connectors/types';
import type { Logger } from '../log';
import type { Cooldowns } from './cooldowns';
import type { HarvestSchedule } from './harvestSchedule';
import type { YearSettingsCache } from '@reachline/shared/store';

export interface CollectorContext {
  models: ReachlineModels;
  /** Commands and pub/sub publishing (not BullMQ's blocking connection). */
  redis: Redis;
  /** Redis key prefix of this deployment (QUEUE_PREFIX). */
  prefix: string;
  clock: Clock;
  connectors: Readonly<Record<Platform, Connector>>;
  /** TOKEN_ENCRYPTION_KEY: opens the accounts' sealed tokens. */
  tokenKey: string;
  log: Logger;
  schedule: HarvestSchedule;
  cooldowns: Cooldowns;
  settings: YearSettingsCache;
}
