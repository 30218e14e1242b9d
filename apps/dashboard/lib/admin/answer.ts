import 'server-only';
import { storeProblemOf } from '../db';
import type { Translate } from '../i18n/catalog';
import type { AdminFormState } from './formState';
import type { Problem } from './validation';

export const refused = (t: Translate, problem: Problem): AdminFormState => ({
  status: 'error',
  message: t(problem.key, problem.vars),
});

export const done = (message: string, secret?: string): AdminFormState =>
  secret ? { status: 'ok', message, secret } : { status: 'ok', message };

/** A store or Redis failure as one sentence; nothing else about it reaches the browser. */
export function failed(t: Translate, err: unknown): AdminFormState {
  const problem = storeProblemOf(err);
  if (problem) return { status: 'error', message: problem.message };
  console.error('admin action failed:', (err as Error).message);
  return { status: 'error', message: t('adminStoreError') };
}

/** Mongo's duplicate-key error (a unique index refused the write). */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number }).code === 11000;
}
