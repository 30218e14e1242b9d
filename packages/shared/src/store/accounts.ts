/**
 * Connected platform accounts, as both the collector's CLI and the dashboard's admin page add
 * them: the token is sealed at once (AES-256-GCM, bound to the account's id, so a sealed token
 * copied onto another account does not open) and never stored or returned in the clear.
 */
import type { Types } from 'mongoose';
import { accountObjectId, type ReachlineModels } from '../models';
import type { Platform } from '../platforms';
import { decryptToken, encryptToken, type TokenKey } from '../tokenCrypto';

export interface NewAccount {
  platform: Platform;
  externalId: string;
  displayName: string;
  token: string;
}

/** The associated data a sealed token is bound to: its account's id. */
export function accountTokenContext(id: Types.ObjectId | string): string {
  return `account:${String(id)}`;
}

/** Adds (or re-tokens) an account; returns its id. The token is stored sealed only. */
export async function addAccount(
  models: ReachlineModels,
  tokenKey: TokenKey,
  input: NewAccount,
): Promise<Types.ObjectId> {
  const _id = accountObjectId(input.platform, input.externalId);
  await models.Account.updateOne(
    { _id },
    {
      $set: {
        displayName: input.displayName,
        encryptedToken: encryptToken(input.token, tokenKey, {
          context: accountTokenContext(_id),
        }),
        tokenStatus: 'ok',
        tokenCheckedAt: null,
        enabled: true,
      },
      $setOnInsert: {
        platform: input.platform,
        externalId: input.externalId,
        discoveryCursor: null,
        lastDiscoveredAt: null,
      },
    },
    { upsert: true, runValidators: true },
  );
  return _id;
}

/** Opens an account's sealed token in memory (throws TokenCryptoError when it does not open). */
export function openAccountToken(
  account: { _id: Types.ObjectId | string; encryptedToken: string },
  tokenKey: TokenKey,
): string {
  return decryptToken(account.encryptedToken, tokenKey, {
    context: accountTokenContext(account._id),
  });
}
