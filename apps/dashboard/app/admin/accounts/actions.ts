'use server';
import { addAccount } from '@reachline/shared/store';
import { revalidatePath } from 'next/cache';
import { done, failed, refused } from '../../../lib/admin/answer';
import type { AdminFormState } from '../../../lib/admin/formState';
import { parseAccountId, parseNewAccount } from '../../../lib/admin/validation';
import { requireRole } from '../../../lib/auth/guard';
import { dashboardConfig } from '../../../lib/config';
import { getStore } from '../../../lib/db';
import { getI18n } from '../../../lib/i18n/server';
import { announceChange } from '../../../lib/live/readModel';

const PATH = '/admin/accounts';

/**
 * Adds an account, or replaces the token of an existing one (same platform and id): the token is
 * sealed at once with TOKEN_ENCRYPTION_KEY (the collector's key) and never returned or logged.
 */
export async function saveAccount(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  await requireRole('admin', PATH);
  const { t } = await getI18n();
  const parsed = parseNewAccount(form);
  if (!parsed.ok) return refused(t, parsed.problem);
  const key = dashboardConfig().TOKEN_ENCRYPTION_KEY;
  if (!key) return refused(t, { key: 'adminErrNoTokenKey' });
  try {
    const { models } = await getStore();
    await addAccount(models, key, parsed.value);
  } catch (err) {
    return failed(t, err);
  }
  announceChange(); // the overview's token warnings
  revalidatePath(PATH);
  revalidatePath('/admin/operations');
  return done(t('adminAccountSaved', { name: parsed.value.displayName }));
}

/** Removes an account: the collector stops discovering and harvesting it; its posts stay. */
export async function removeAccount(
  _prev: AdminFormState,
  form: FormData,
): Promise<AdminFormState> {
  await requireRole('admin', PATH);
  const { t } = await getI18n();
  const parsed = parseAccountId(form);
  if (!parsed.ok) return refused(t, parsed.problem);
  try {
    const { models } = await getStore();
    const account = await models.Account.findById(parsed.value.accountId, {
      displayName: 1,
    }).lean();
    if (!account) return refused(t, { key: 'adminErrAccount' });
    await models.Account.deleteOne({ _id: account._id });
    announceChange();
    revalidatePath(PATH);
    revalidatePath('/admin/operations');
    return done(t('adminAccountRemoved', { name: account.displayName }));
  } catch (err) {
    return failed(t, err);
  }
}
