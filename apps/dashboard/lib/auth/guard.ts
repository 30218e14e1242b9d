import 'server-only';
import { createHash } from 'node:crypto';
import type { UserRole } from '@reachline/shared/models';
import { forbidden, redirect } from 'next/navigation';
import { getStore, storeProblemOf } from '../db';
import { cachedFor, SMALL_CACHE_TTL_MS } from '../smallCache';
import { currentUser, SESSION_COOKIE, type SignedInUser, userOfSessionToken } from './session';

const RANK: Record<UserRole, number> = { viewer: 0, editor: 1, admin: 2 };

export function hasRole(user: Pick<SignedInUser, 'role'>, min: UserRole): boolean {
  return RANK[user.role] >= RANK[min];
}

/**
 * For pages and server actions: the signed-in user with at least `min`, else a redirect to the
 * sign-in page (back to `returnTo` afterwards) or a 403 page. Called by every page, not by the
 * layout alone, because layouts do not run for server actions and route handlers.
 */
export async function requireRole(min: UserRole, returnTo = '/'): Promise<SignedInUser> {
  const user = await currentUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(safeReturnPath(returnTo))}`);
  if (!hasRole(user, min)) forbidden();
  return user;
}

/** Only a path on this site (no `//host`, no scheme): where to go after signing in. */
export function safeReturnPath(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\'))
    return '/';
  return value.length > 500 ? '/' : value;
}

export interface ApiCaller {
  user: SignedInUser | null;
  /** Set when the caller used a read-only API token instead of a session. */
  apiToken: { id: string; name: string } | null;
  role: UserRole;
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function json(status: number, error: string): Response {
  return Response.json({ error }, { status, headers: { 'cache-control': 'no-store' } });
}

function cookieOf(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie') ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined; // malformed %-escapes: no session, not a 500
    }
  }
  return undefined;
}

/**
 * For route handlers: the caller (session cookie, or `Authorization: Bearer` read-only API token)
 * with at least `min`, or the 401/403 answer to return. A state-changing request must come from
 * this site (Origin or Referer equal to the Host): the CSRF check for handlers; server actions
 * get the same check from Next.js.
 */
export async function authorize(request: Request, min: UserRole): Promise<ApiCaller | Response> {
  const mutating = !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
  if (mutating && !sameOrigin(request))
    return json(403, 'This request did not come from the Reachline dashboard (CSRF check).');
  try {
    return await callerOf(request, min, mutating);
  } catch (err) {
    // The store is down: say so (503), rather than a 500 or a misleading 401.
    const problem = storeProblemOf(err);
    if (problem) return json(503, problem.message);
    throw err;
  }
}

async function callerOf(
  request: Request,
  min: UserRole,
  mutating: boolean,
): Promise<ApiCaller | Response> {
  const auth = request.headers.get('authorization');
  if (auth) {
    const token = await apiTokenOf(auth);
    if (token === 'malformed')
      return json(401, 'The Authorization header must be "Bearer <API token>".');
    if (!token) return json(401, 'This API token is unknown or was revoked.');
    if (mutating || RANK[min] > RANK.viewer)
      return json(403, 'API tokens are read-only: sign in as an editor or admin for this.');
    return { user: null, apiToken: token, role: 'viewer' };
  }

  const cookie = cookieOf(request, SESSION_COOKIE);
  const user = cookie && cookie.length <= 100 ? await userOfSessionToken(cookie) : null;
  if (!user) return json(401, 'Sign in first, or send a read-only API token.');
  if (!hasRole(user, min)) return json(403, `This needs the ${min} role; you are ${user.role}.`);
  return { user, apiToken: null, role: user.role };
}

/**
 * The read-only API token of an `Authorization: Bearer …` header: 'malformed', null (unknown or
 * revoked), or its id and name. Read by `_id` (the token's hash) and kept SMALL_CACHE_TTL_MS, as
 * sessions are; a revocation through the dashboard forgets it at once (announceChange). Its
 * `lastUsedAt` is written at most once a minute per token and process, not on every request.
 */
export async function apiTokenOf(
  authorization: string,
): Promise<{ id: string; name: string } | null | 'malformed'> {
  const match = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(authorization.trim());
  if (!match) return 'malformed';
  const id = hashApiToken(match[1]!);
  const token = await cachedFor(`apitoken:${id}`, SMALL_CACHE_TTL_MS, async () => {
    const { models } = await getStore();
    const doc = await models.ApiToken.findById(id).lean();
    return doc && !doc.revoked ? { id: id.slice(0, 12), name: doc.name } : null;
  });
  if (token)
    void cachedFor(`apitoken-used:${id}`, 60_000, async () => {
      const { models } = await getStore();
      await models.ApiToken.updateOne({ _id: id }, { $set: { lastUsedAt: new Date() } });
    }).catch(() => undefined);
  return token;
}

export function sameOrigin(request: Request): boolean {
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  const source = request.headers.get('origin') ?? request.headers.get('referer');
  if (!host || !source) return false;
  try {
    return new URL(source).host === host;
  } catch {
    return false;
  }
}

export { currentUser };
