'use server';
import { randomBytes } from 'node:crypto';
import { revalidatePath } from 'next/cache';
import { done, failed, refused } from '../../../lib/admin/answer';
import type { AdminFormState } from '../../../lib/admin/formState';
import { parseApiTokenId, parseTokenName } from '../../../lib/admin/validation';
import { hashApiToken, requireRole } from '../../../lib/auth/guard';
import { getStore } from '../../../lib/db';
import { getI18n } from '../../../lib/i18n/server';
import { announceChange } from '../../../lib/live/readModel';

const PATH = '/admin/tokens';

/**
 * Creates a read-only API token: 32 random bytes (base64url), answered once to the admin's form;
 * only its SHA-256 (`hashApiToken`) is stored, as the `_id` `authorize` reads by.
 */
export async function createApiToken(
  _prev: AdminFormState,
  form: FormData,
): Promise<AdminFormState> {
  const me = await requireRole('admin', PATH);
  const { t } = await getI18n();
  const parsed = parseTokenName(form);
  if (!parsed.ok) return refused(t, parsed.problem);
  const token = randomBytes(32).toString('base64url');
  try {
    const { models } = await getStore();
    await models.ApiToken.create({
      _id: hashApiToken(token),
      name: parsed.value.name,
      prefix: token.slice(0, 8),
      createdBy: me.id,
    });
  } catch (err) {
    return failed(t, err);
  }
  revalidatePath(PATH);
  return done(t('adminApiTokenCreated', { name: parsed.value.name }), token);
}

/** Revokes a token for good (kept, marked revoked, so the list still says who had one). */
export async function revokeApiToken(
  _prev: AdminFormState,
  form: FormData,
): Promise<AdminFormState> {
  await requireRole('admin', PATH);
  const { t } = await getI18n();
  const parsed = parseApiTokenId(form);
  if (!parsed.ok) return refused(t, parsed.problem);
  try {
    const { models } = await getStore();
    const token = await models.ApiToken.findById(parsed.value.tokenId, { name: 1 }).lean();
    if (!token) return refused(t, { key: 'adminErrApiToken' });
    await models.ApiToken.updateOne({ _id: token._id }, { $set: { revoked: true } });
    announceChange(); // every dashboard process forgets the token at once
    revalidatePath(PATH);
    return done(t('adminApiTokenRevokedDone', { name: token.name }));
  } catch (err) {
    return failed(t, err);
  }
}
