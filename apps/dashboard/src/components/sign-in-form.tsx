'use client';

import { useActionState } from 'react';
import { type SignInState, signIn } from '@/lib/session-actions';

const initialState: SignInState = { error: null };

export function SignInForm() {
  const [state, formAction, pending] = useActionState(signIn, initialState);
  return (
    <form action={formAction} className="stack">
      <div className="field">
        <label className="label" htmlFor="operator-token">
          Operator token
        </label>
        <input
          id="operator-token"
          className="input"
          name="token"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={state.error ? true : undefined}
          aria-describedby={state.error ? 'sign-in-error' : undefined}
        />
      </div>
      {state.error && (
        <p id="sign-in-error" className="alert" role="alert">
          {state.error}
        </p>
      )}
      <button className="button" type="submit" disabled={pending}>
        {pending ? 'Checking…' : 'Sign in'}
      </button>
    </form>
  );
}
