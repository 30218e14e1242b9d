import 'server-only';
import { getStore } from '../db';

export interface AdminApiTokenRow {
  /** The token's SHA-256 (its `_id`): what revoking names; not the token. */
  id: string;
  name: string;
  prefix: string;
  createdAt: Date | null;
  lastUsedAt: Date | null;
  revoked: boolean;
}

/** Every API token (a small collection), newest first. */
export async function listAdminApiTokens(): Promise<AdminApiTokenRow[]> {
  const { models } = await getStore();
  const tokens = await models.ApiToken.find({}).lean();
  return tokens
    .map((t) => ({
      id: t._id,
      name: t.name,
      prefix: t.prefix,
      createdAt: t.createdAt ?? null,
      lastUsedAt: t.lastUsedAt ?? null,
      revoked: Boolean(t.revoked),
    }))
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
}
