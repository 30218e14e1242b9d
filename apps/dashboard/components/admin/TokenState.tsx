import type { TokenStatus } from '@reachline/shared';
import type { Translate } from '../../lib/i18n/catalog';

/** An account's token state as words and a colour (never the token). */
export function TokenState({
  status,
  hasToken,
  t,
}: {
  status: TokenStatus;
  hasToken: boolean;
  t: Translate;
}) {
  if (!hasToken) return <span className="token-state bad">{t('adminTokenMissing')}</span>;
  const text =
    status === 'ok'
      ? t('adminTokenOk')
      : status === 'expired'
        ? t('adminTokenExpired')
        : t('adminTokenInsufficient');
  return (
    <span
      className={status === 'ok' ? 'token-state good' : 'token-state bad'}
      data-token-state={status}
    >
      {text}
    </span>
  );
}
