import { getRedis } from '../../lib/redis';
import type { Translate } from '../../lib/i18n/catalog';
import { LiveUpdates } from './LiveUpdates';

/** The live indicator and updater for any page of one project-year (server wrapper). */
export function LivePage({
  projectId,
  fiscalYear,
  t,
}: {
  projectId: string;
  fiscalYear: number;
  t: Translate;
}) {
  return (
    <LiveUpdates
      projectId={projectId}
      fiscalYear={fiscalYear}
      enabled={getRedis() !== null}
      labels={{
        connecting: t('ovLiveConnecting'),
        live: t('ovLiveOn'),
        reconnecting: t('ovLiveReconnecting'),
        off: t('ovLiveOff'),
      }}
    />
  );
}
