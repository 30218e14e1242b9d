'use server';
import { revalidatePath } from 'next/cache';
import { done, failed, isDuplicateKey, refused } from '../../../lib/admin/answer';
import type { AdminFormState } from '../../../lib/admin/formState';
import {
  parseNewUser,
  parsePasswordReset,
  parseRoleChange,
  parseUserId,
} from '../../../lib/admin/validation';
import { requireRole } from '../../../lib/auth/guard';
import { hashPassword, passwordProblem } from '../../../lib/auth/password';
import { cookies } from 'next/headers';
import { forgetSessions, SESSION_COOKIE, sessionIdOf } from '../../../lib/auth/session';
import { getStore } from '../../../lib/db';
import type { MessageKey, Translate } from '../../../lib/i18n/catalog';
import { getI18n } from '../../../lib/i18n/server';

const PATH = '/admin/users';

const roleWord = (t: Translate, role: string) =>
  t(role === 'admin' ? 'roleAdmin' : role === 'editor' ? 'roleEditor' : 'roleViewer');

function passwordRefusal(password: string): MessageKey | null {
  const problem = passwordProblem(password);
  if (problem === 'passwordTooShort') return 'adminErrPasswordShort';
  if (problem === 'passwordTooLong') return 'adminErrPasswordLong';
  return null;
}

/**
 * True when the user is the only active admin: demoting or disabling them would leave nobody
 * able to administer Reachline. (Users is a small collection; reading it whole is fine.)
 */
async function isLastActiveAdmin(userId: string): Promise<boolean> {
  const { models } = await getStore();
  const admins = await models.User.find(
    { role: 'admin', disabled: { $ne: true } },
    { _id: 1 },
  ).lean();
  return admins.length <= 1 && admins.some((a) => String(a._id) === userId);
}

export async function createUser(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  await requireRole('admin', PATH);
  const { t } = await getI18n();
  const parsed = parseNewUser(form);
  if (!parsed.ok) return refused(t, parsed.problem);
  const { email, displayName, role, password } = parsed.value;
  const weak = passwordRefusal(password);
  if (weak) return refused(t, { key: weak });
  try {
    const { models } = await getStore();
    if (await models.User.exists({ email })) return refused(t, { key: 'adminErrEmailTaken' });
    await models.User.create({
      email,
      displayName,
      role,
      passwordHash: await hashPassword(password),
    });
  } catch (err) {
    if (isDuplicateKey(err)) return refused(t, { key: 'adminErrEmailTaken' });
    return failed(t, err);
  }
  revalidatePath(PATH);
  return done(t('adminUserCreated', { email }));
}

export async function changeRole(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  await requireRole('admin', PATH);
  const { t } = await getI18n();
  const parsed = parseRoleChange(form);
  if (!parsed.ok) return refused(t, parsed.problem);
  const { userId, role } = parsed.value;
  try {
    const { models } = await getStore();
    const user = await models.User.findById(userId, { email: 1, role: 1 }).lean();
    if (!user) return refused(t, { key: 'adminErrUser' });
    if (user.role === 'admin' && role !== 'admin' && (await isLastActiveAdmin(userId)))
      return refused(t, { key: 'adminErrLastAdmin' });
    await models.User.updateOne({ _id: userId }, { $set: { role } }, { runValidators: true });
    forgetSessions();
    revalidatePath(PATH);
    return done(t('adminUserRoleChanged', { email: user.email, role: roleWord(t, role) }));
  } catch (err) {
    return failed(t, err);
  }
}

/** Disables or enables (the form's `enable` field); disabling ends every session of that user. */
export async function setDisabled(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  await requireRole('admin', PATH);
  const { t } = await getI18n();
  const parsed = parseUserId(form);
  if (!parsed.ok) return refused(t, parsed.problem);
  const { userId } = parsed.value;
  const enable = form.get('enable') === '1';
  try {
    const { models } = await getStore();
    const user = await models.User.findById(userId, { email: 1, role: 1, disabled: 1 }).lean();
    if (!user) return refused(t, { key: 'adminErrUser' });
    if (!enable && user.role === 'admin' && (await isLastActiveAdmin(userId)))
      return refused(t, { key: 'adminErrLastAdmin' });
    await models.User.updateOne({ _id: userId }, { $set: { disabled: !enable } });
    if (!enable) await models.Session.deleteMany({ userId: user._id });
    forgetSessions();
    revalidatePath(PATH);
    return done(
      t(enable ? 'adminUserEnabledDone' : 'adminUserDisabledDone', { email: user.email }),
    );
  } catch (err) {
    return failed(t, err);
  }
}

/** Sets a new password; the user's other sessions end (not the acting admin's own). */
export async function resetPassword(
  _prev: AdminFormState,
  form: FormData,
): Promise<AdminFormState> {
  const me = await requireRole('admin', PATH);
  const { t } = await getI18n();
  const parsed = parsePasswordReset(form);
  if (!parsed.ok) return refused(t, parsed.problem);
  const { userId, password } = parsed.value;
  const weak = passwordRefusal(password);
  if (weak) return refused(t, { key: weak });
  try {
    const { models } = await getStore();
    const user = await models.User.findById(userId, { email: 1 }).lean();
    if (!user) return refused(t, { key: 'adminErrUser' });
    await models.User.updateOne(
      { _id: userId },
      { $set: { passwordHash: await hashPassword(password) } },
    );
    if (userId !== me.id) await models.Session.deleteMany({ userId: user._id });
    forgetSessions();
    revalidatePath(PATH);
    return done(t('adminUserPasswordReset', { email: user.email }));
  } catch (err) {
    return failed(t, err);
  }
}

/**
 * Ends every session of a user ("sign out everywhere", e.g. after a lost phone) without disabling
 * them; for the acting admin's own row, every session but the one in use.
 */
export async function endUserSessions(
  _prev: AdminFormState,
  form: FormData,
): Promise<AdminFormState> {
  const me = await requireRole('admin', PATH);
  const { t } = await getI18n();
  const parsed = parseUserId(form);
  if (!parsed.ok) return refused(t, parsed.problem);
  const { userId } = parsed.value;
  try {
    const { models } = await getStore();
    const user = await models.User.findById(userId, { email: 1 }).lean();
    if (!user) return refused(t, { key: 'adminErrUser' });
    const own = (await cookies()).get(SESSION_COOKIE)?.value;
    const keep = userId === me.id && own && own.length <= 100 ? sessionIdOf(own) : null;
    const result = await models.Session.deleteMany(
      keep ? { userId: user._id, _id: { $ne: keep } } : { userId: user._id },
    );
    forgetSessions();
    revalidatePath(PATH);
    return done(t('adminUserSignedOutDone', { email: user.email, count: result.deletedCount }));
  } catch (err) {
    return failed(t, err);
  }
}
