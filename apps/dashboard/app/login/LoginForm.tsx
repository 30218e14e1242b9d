'use client';
import { useActionState } from 'react';
import { login, type LoginState } from './actions';

export interface LoginTexts {
  email: string;
  password: string;
  submit: string;
  errors: Record<NonNullable<LoginState['error']>, string>;
}

export function LoginForm({ next, texts }: { next: string; texts: LoginTexts }) {
  const [state, action, pending] = useActionState<LoginState, FormData>(login, { error: null });
  const error = state.error
    ? texts.errors[state.error].replace('{reason}', state.reason ?? '')
    : null;
  return (
    <form action={action} className="login-form" noValidate={false}>
      <input type="hidden" name="next" value={next} />
      <label htmlFor="email">{texts.email}</label>
      <input
        id="email"
        name="email"
        type="email"
        autoComplete="username"
        required
        defaultValue={state.email ?? ''}
        aria-invalid={state.error === 'loginFailed' ? true : undefined}
        aria-describedby={error ? 'login-error' : undefined}
      />
      <label htmlFor="password">{texts.password}</label>
      <input
        id="password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        aria-describedby={error ? 'login-error' : undefined}
      />
      {error ? (
        <p id="login-error" role="alert" className="form-error" data-testid="login-error">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={pending} aria-busy={pending}>
        {texts.submit}
      </button>
    </form>
  );
}
