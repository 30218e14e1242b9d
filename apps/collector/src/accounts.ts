/**
 * Connected platform accounts: added with a token that is sealed at once (AES-256-GCM, bound to
 * the account's id) and never shown again; opened only in memory for a call; marked when the
 * platform says the token is expired or lacks a permission, which pauses that account only.
 */
import { encodeEvent, type TokenStatus, CHANNELS } from '@reachline/shared';
import type { AccountDoc, ReachlineModels } from '@reachline/shared/models';
import { openAccountToken } from '@reachline/shared/store';
import type { Redis } from 'ioredis';
import type { ConnectorAccount } from './connectors/types';
import { withLock } from '@reachline/shared/store';

export { addAccount, type NewAccount } from '@reachline/shared/store';

/** The account as a connector needs it, with its token opened in memory. */
export function connectorAccount(account: AccountDoc, tokenKey: string): ConnectorAccount {
  if (!account.encryptedToken) {
    throw new Error(
      `account ${account.platform}/${account.externalId} has no token: add one with "accounts add".`,
    );
  }
  return {
    platform: account.platform,
    externalId: account.externalId,
    token: openAccountToken({ _id: account._id, encryptedToken: account.encryptedToken }, tokenKey),
  };
}

/** Records a token problem (or its end) and tells the dashboard; a no-op when unchanged. */
export async function setTokenStatus(
  models: ReachlineModels,
  redis: Redis,
  prefix: string,
  account: Pick<AccountDoc, '_id' | 'platform' | 'tokenStatus'>,
  status: TokenStatus,
  at: Date,
): Promise<boolean> {
  if (account.tokenStatus === status) return false;
  // Only the job that changes it tells the dashboard: two jobs that met the same expiry at once
  // publish one event. A conditional update is not enough on FerretDB (its read-modify-write is
  // not atomic across connections), so the check and the write share a short Redis lock.
  const changed = await withLock(
    redis,
    `${prefix}:lock:account:${String(account._id)}`,
    async () => {
      const current = await models.Account.findById(account._id, { tokenStatus: 1 }).lean();
      if (!current || current.tokenStatus === status) return false;
      await models.Account.updateOne(
        { _id: account._id },
        { $set: { tokenStatus: status, tokenCheckedAt: at } },
      );
      return true;
    },
  );
  if (!changed) return false;
  await redis.publish(
    CHANNELS.accountStatusChanged,
    encodeEvent({
      type: 'account-status-changed',
      accountId: String(account._id),
      platform: account.platform,
      tokenStatus: status,
      at: at.toISOString(),
    }),
  );
  return true;
}
