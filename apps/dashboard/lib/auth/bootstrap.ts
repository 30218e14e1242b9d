import 'server-only';
import { dashboardConfig } from '../config';
import { getStore } from '../db';
import { hashPassword } from './password';

/**
 * The first admin, from ADMIN_EMAIL and ADMIN_PASSWORD, created when no admin exists yet (an
 * existing user with that email is left alone: the environment never overwrites a password set
 * on the Users page). Returns what it did, for the start-up log line.
 */
export async function ensureFirstAdmin(): Promise<'created' | 'exists' | 'not-configured'> {
  const { ADMIN_EMAIL, ADMIN_PASSWORD } = dashboardConfig();
  if (!ADMIN_EMAIL || !ADMIN_PASSWORD) return 'not-configured';
  const { models } = await getStore();
  await models.User.createIndexes();
  if (await models.User.exists({ role: 'admin', disabled: false })) return 'exists';
  const email = ADMIN_EMAIL.trim().toLowerCase();
  if (await models.User.exists({ email })) return 'exists';
  try {
    await models.User.create({
      email,
      passwordHash: await hashPassword(ADMIN_PASSWORD),
      role: 'admin',
      displayName: 'Admin',
    });
  } catch (err) {
    // Two dashboard processes starting together: the unique email index lets one win.
    if ((err as { code?: number }).code === 11000) return 'exists';
    throw err;
  }
  return 'created';
}
