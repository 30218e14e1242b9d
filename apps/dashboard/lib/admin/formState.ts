/** What an admin server action answers to its form: a sentence, and once, a new secret. */
export interface AdminFormState {
  status: 'idle' | 'ok' | 'error';
  message: string;
  /** A new API token, shown once in the answer and never stored in the clear. */
  secret?: string;
}

export const IDLE: AdminFormState = { status: 'idle', message: '' };
