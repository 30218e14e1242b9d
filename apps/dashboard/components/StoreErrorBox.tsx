import { bumpDataVersion } from '../lib/dataVersion';
import { storeProblemOf } from '../lib/db';
import { ReloadWhenStoreBack } from './useStoreRecovery';
import type { Translate } from '../lib/i18n/catalog';

/**
 * What a page shows when reading the store failed: the store's own sentence when it is a
 * StoreUnavailableError (unreachable, misconfigured), else a generic "try again"; never a stack.
 * The page cache must not keep such a page, nor any page from before the failure: bumping the
 * data version does both (a render is kept only if the version did not move while it ran).
 */
export function StoreErrorBox({ error, t }: { error: unknown; t: Translate }) {
  bumpDataVersion();
  return (
    <section className="error-box" role="alert">
      <h1>{t('storeUnavailableTitle')}</h1>
      <p>{storeProblemOf(error)?.message ?? t('storeUnavailable')}</p>
      <ReloadWhenStoreBack />
    </section>
  );
}
