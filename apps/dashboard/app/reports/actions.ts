'use server';
import {
  approveReport,
  editReport,
  regenerateReport,
  reopenReport,
  ReportError,
  type ReportEdit,
} from '@reachline/shared/store';
import { Types } from 'mongoose';
import { revalidatePath } from 'next/cache';
import { requireRole } from '../../lib/auth/guard';
import { getStore } from '../../lib/db';

export interface ReportActionState {
  ok: boolean;
  /** A message key of the reports catalogue on success, or the refusal as one sentence. */
  message: string | null;
}

function field(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' ? value : undefined;
}

function reportId(form: FormData): Types.ObjectId | null {
  const id = field(form, 'id') ?? '';
  return /^[0-9a-f]{24}$/.test(id) ? new Types.ObjectId(id) : null;
}

async function run(
  form: FormData,
  success: string,
  work: (id: Types.ObjectId, actor: { id: Types.ObjectId; name: string }) => Promise<void>,
): Promise<ReportActionState> {
  const user = await requireRole('editor', '/reports');
  const id = reportId(form);
  if (!id) return { ok: false, message: 'The report id is missing or malformed.' };
  try {
    await work(id, { id: new Types.ObjectId(user.id), name: user.displayName || user.email });
  } catch (err) {
    if (err instanceof ReportError) return { ok: false, message: err.message };
    return { ok: false, message: 'The store did not answer; nothing was changed. Try again.' };
  }
  revalidatePath('/reports');
  return { ok: true, message: success };
}

/** Saves an editor's text, problems, obstacles and progress override. */
export async function saveReport(
  _prev: ReportActionState,
  form: FormData,
): Promise<ReportActionState> {
  const text = field(form, 'text');
  const progress = (field(form, 'progress') ?? '').trim();
  const edit: ReportEdit = {
    text: text === undefined ? undefined : text.trim() === '' ? null : text.replace(/\r\n/g, '\n'),
    problems: field(form, 'problems')?.trim(),
    obstacles: field(form, 'obstacles')?.trim(),
    progressOverride:
      progress === '' ? null : /^\d{1,3}(\.\d{1,2})?$/.test(progress) ? Number(progress) : NaN,
  };
  const { models } = await getStore();
  return run(form, 'reportsSaved', (id, actor) => editReport(models, id, actor, edit, new Date()));
}

export async function approve(
  _prev: ReportActionState,
  form: FormData,
): Promise<ReportActionState> {
  const { models } = await getStore();
  return run(form, 'reportsApproved', (id, actor) => approveReport(models, id, actor, new Date()));
}

export async function reopen(_prev: ReportActionState, form: FormData): Promise<ReportActionState> {
  const { models } = await getStore();
  return run(form, 'reportsReopened', (id, actor) => reopenReport(models, id, actor, new Date()));
}

export async function regenerate(
  _prev: ReportActionState,
  form: FormData,
): Promise<ReportActionState> {
  const { models } = await getStore();
  return run(form, 'reportsRegenerated', (id, actor) =>
    regenerateReport(models, id, actor, new Date()),
  );
}
