'use server';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { failed, refused } from '../../../lib/admin/answer';
import type { AdminFormState } from '../../../lib/admin/formState';
import { retryFailedJob } from '../../../lib/admin/queues';
import { parseJobRef } from '../../../lib/admin/validation';
import { requireRole } from '../../../lib/auth/guard';
import { getI18n } from '../../../lib/i18n/server';

const PATH = '/admin/operations';

/** Moves one failed job back to its queue (BullMQ `retry`); the collector's workers run it. */
export async function retryJob(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  await requireRole('admin', PATH);
  const { t } = await getI18n();
  const parsed = parseJobRef(form);
  if (!parsed.ok) return refused(t, parsed.problem);
  const { queue, jobId } = parsed.value;
  try {
    if (!(await retryFailedJob(queue, jobId))) return refused(t, { key: 'adminErrJob' });
  } catch (err) {
    return failed(t, err);
  }
  revalidatePath(PATH);
  // The job leaves the failed list, and its row's form with it: say so at the top of the page.
  redirect(`${PATH}?retried=${encodeURIComponent(jobId)}`);
}
