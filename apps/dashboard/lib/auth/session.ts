import 'server-only';
import { createHmac, randomBytes } from 'node:crypto';
import type { UserDoc, UserRole } from '@reachline/shared/models';
import { cookies } from 'next/headers';
import { cache } from 'react';
import { cachedFor, forgetCached, SMALL_CACHE_TTL_MS } from '../smallCache';
import { dashboardConfig } from '../config';
import { getStore } from '../db';

export const SESSION_COOKIE = 'reachline_session';

export interface SignedInUser {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
}

/**
 * The session's `_id`: an HMAC of the cookie's token with SESSION_SECRET, so neither a copy of
 * the store nor a copy of the cookie alone is enough to forge or reuse a session.
 */
export function sessionIdOf(token: string): string {
  return createHmac('sha256', dashboardConfig().SESSION_SECRET).update(token).digest('hex');
}

/** Creates a server-side session for the user and sets its cookie (HttpOnly, SameSite=Lax). */
export async function startSession(user: Pick<UserDoc, '_id' | 'role'>, secure: boolean) {
  const { models } = await getStore();
  const token = randomBytes(32).toString('base64url');
  const ttlHours = dashboardConfig().SESSION_TTL_HOURS;
  const expiresAt = new Date(Date.now() + ttlHours * 3_600_000);
  await models.Session.create({
    _id: sessionIdOf(token),
    userId: user._id,
    role: user.role,
    expiresAt,
  });
  (await cookies()).set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    expires: expiresAt,
  });
}

/**
 * The signed-in user of this request from its cookie, or null (expired, revoked, disabled). Once
 * per request (the layout and the page share it).
 */
export const currentUser = cache(async (): Promise<SignedInUser | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token || token.length > 100) return null;
  return userOfSessionToken(token);
});

/**
 * The session's user, read by `_id` (session, then user) and kept for SMALL_CACHE_TTL_MS: a
 * sign-out or a disabled user takes effect at once in this process (forgetSessions) and within
 * that time in any other dashboard process.
 */
export function userOfSessionToken(token: string): Promise<SignedInUser | null> {
  const id = sessionIdOf(token);
  return cachedFor(`session:${id}`, SMALL_CACHE_TTL_MS, async () => {
    const { models } = await getStore();
    const session = await models.Session.findById(id).lean();
    if (!session || session.expiresAt.getTime() <= Date.now()) return null;
    const user = await models.User.findById(session.userId).lean();
    if (!user || user.disabled) return null;
    return {
      id: String(user._id),
      email: user.email,
      displayName: user.displayName,
      role: user.role,
    } satisfies SignedInUser;
  });
}

/** Drops this process's cached sessions (after a sign-out, a role change, a disabled user). */
export function forgetSessions(): void {
  forgetCached('session:');
}

/** Deletes this request's session, if any, and clears its cookie. */
export async function endSession(): Promise<void> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  if (token && token.length <= 100) {
    const { models } = await getStore();
    await models.Session.deleteOne({ _id: sessionIdOf(token) });
    forgetCached(`session:${sessionIdOf(token)}`);
  }
  jar.delete(SESSION_COOKIE);
}
