import 'server-only';
import type { Platform, TokenStatus } from '@reachline/shared';
import { getStore } from '../db';

export interface AdminAccountRow {
  id: string;
  platform: Platform;
  externalId: string;
  displayName: string;
  hasToken: boolean;
  tokenStatus: TokenStatus;
  tokenCheckedAt: Date | null;
  lastDiscoveredAt: Date | null;
  enabled: boolean;
}

/** Every connected account (a handful); the sealed token itself is never read here. */
export async function listAdminAccounts(): Promise<AdminAccountRow[]> {
  const { models } = await getStore();
  const accounts = await models.Account.find(
    {},
    {
      platform: 1,
      externalId: 1,
      displayName: 1,
      tokenStatus: 1,
      tokenCheckedAt: 1,
      lastDiscoveredAt: 1,
      enabled: 1,
      // Read only to tell whether a token is stored; never returned (see hasToken).
      encryptedToken: 1,
    },
  ).lean();
  return accounts
    .map((a) => ({
      id: String(a._id),
      platform: a.platform,
      externalId: a.externalId,
      displayName: a.displayName,
      hasToken: Boolean(a.encryptedToken),
      tokenStatus: a.tokenStatus,
      tokenCheckedAt: a.tokenCheckedAt ?? null,
      lastDiscoveredAt: a.lastDiscoveredAt ?? null,
      enabled: a.enabled !== false,
    }))
    .sort(
      (a, b) => a.platform.localeCompare(b.platform) || a.displayName.localeCompare(b.displayName),
    );
}
