'use client';

import { useActionState } from 'react';
import { Field } from '@/components/field';
import { type SignInState, signIn } from '@/lib/session-actions';

const initialState: SignInState = { error: null };

export function SignInForm() {
  const [state, formAction, pending] = useActionState(signIn, initialState);
  return (
    <form action={formAction} className="stack">
      <Field
        label="Operator token"
        name="token"
        type="password"
        autoComplete="current-password"
        required
        error={state.error}
      />
      <button className="button" type="submit" disabled={pending}>
        {pending ? 'Checking…' : 'Sign in'}
      </button>
    </form>
  );
}
