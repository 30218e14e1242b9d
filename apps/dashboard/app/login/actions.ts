'use server';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { safeReturnPath } from '../../lib/auth/guard';
import { burnPasswordCheck, verifyPassword } from '../../lib/auth/password';
import { clearLoginFailures, loginBlocked, recordLoginFailure } from '../../lib/auth/rateLimit';
import { startSession } from '../../lib/auth/session';
import { getStore, StoreUnavailableError } from '../../lib/db';

export interface LoginState {
  error: 'loginFailed' | 'loginBlocked' | 'loginMissing' | 'loginUnavailable' | null;
  reason?: string;
  email?: string;
}

/** A text field of a submitted form ('' when absent or a file). */
function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/** Sign-in: rate limited per email and per address before the slow hash is even computed. */
export async function login(_prev: LoginState, form: FormData): Promise<LoginState> {
  const email = field(form, 'email').trim().toLowerCase().slice(0, 254);
  const password = field(form, 'password');
  const next = safeReturnPath(field(form, 'next') || '/');
  if (!email || !password) return { error: 'loginMissing', email };
  const h = await headers();
  const address = (h.get('x-forwarded-for') ?? '').split(',')[0]!.trim() || 'local';
  const secure = (h.get('x-forwarded-proto') ?? '').startsWith('https');

  try {
    if (await loginBlocked(email, address)) return { error: 'loginBlocked', email };
    const { models } = await getStore();
    const user = await models.User.findOne({ email }).lean();
    if (!user || user.disabled || password.length > 200) {
      await burnPasswordCheck(password);
      await recordLoginFailure(email, address);
      return { error: 'loginFailed', email };
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      await recordLoginFailure(email, address);
      return { error: 'loginFailed', email };
    }
    await clearLoginFailures(email);
    await models.User.updateOne({ _id: user._id }, { $set: { lastLoginAt: new Date() } });
    await startSession(user, secure);
  } catch (err) {
    const reason =
      err instanceof StoreUnavailableError ? err.message : 'the store or Redis did not answer';
    return { error: 'loginUnavailable', reason, email };
  }
  redirect(next);
}
