import 'server-only';
import type { UserRole } from '@reachline/shared/models';
import { getStore } from '../db';

export interface AdminUserRow {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  disabled: boolean;
  lastLoginAt: Date | null;
}

/** Every user (a small collection), by email; never the password hash. */
export async function listAdminUsers(): Promise<AdminUserRow[]> {
  const { models } = await getStore();
  const users = await models.User.find(
    {},
    { email: 1, displayName: 1, role: 1, disabled: 1, lastLoginAt: 1 },
  ).lean();
  return users
    .map((u) => ({
      id: String(u._id),
      email: u.email,
      displayName: u.displayName,
      role: u.role,
      disabled: Boolean(u.disabled),
      lastLoginAt: u.lastLoginAt ?? null,
    }))
    .sort((a, b) => a.email.localeCompare(b.email));
}
