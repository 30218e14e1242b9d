'use client';
import {
  type FormEvent,
  type ReactNode,
  startTransition,
  useActionState,
  useEffect,
  useRef,
  useState,
} from 'react';
import { type AdminFormState, IDLE } from '../../lib/admin/formState';

export type AdminAction = (prev: AdminFormState, form: FormData) => Promise<AdminFormState>;

/**
 * A form posting to an admin server action (Next's Origin check makes it CSRF-safe), with the
 * action's one-sentence answer in an alert next to it. Fields keep what was typed when the
 * answer is an error, and are cleared after a success when `resetOnSuccess` (passwords, tokens).
 */
export function AdminForm({
  action,
  children,
  submitLabel,
  workingLabel,
  testId,
  className,
  resetOnSuccess = false,
  secretHint,
  submitClassName,
}: {
  action: AdminAction;
  children?: ReactNode;
  submitLabel: string;
  workingLabel: string;
  testId: string;
  className?: string;
  resetOnSuccess?: boolean;
  secretHint?: string;
  submitClassName?: string;
}) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, IDLE);
  const formRef = useRef<HTMLFormElement>(null);
  const resetAfter = useRef(false);
  // Marks the form as interactive (hydrated): tests and scripts wait for it before submitting.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    // Submitted by hand so React does not clear the fields when the answer is an error.
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    resetAfter.current = resetOnSuccess;
    startTransition(() => formAction(data));
  };
  useEffect(() => {
    if (state.status === 'ok' && resetAfter.current) formRef.current?.reset();
    resetAfter.current = false;
  }, [state]);
  return (
    <form
      ref={formRef}
      action={formAction}
      onSubmit={onSubmit}
      className={className ?? 'admin-form'}
      data-testid={testId}
      data-ready={ready ? 'true' : undefined}
    >
      {children}
      <button type="submit" disabled={pending} aria-busy={pending} className={submitClassName}>
        {pending ? workingLabel : submitLabel}
      </button>
      {state.status !== 'idle' ? (
        <div
          role={state.status === 'error' ? 'alert' : 'status'}
          className={state.status === 'error' ? 'admin-alert error' : 'admin-alert ok'}
          data-testid={`${testId}-answer`}
        >
          <p>{state.message}</p>
          {state.secret ? (
            <>
              <p>
                <code className="admin-secret" data-testid="new-secret">
                  {state.secret}
                </code>
              </p>
              {secretHint ? <p className="admin-hint">{secretHint}</p> : null}
            </>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
