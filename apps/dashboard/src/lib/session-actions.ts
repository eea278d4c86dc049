'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { isUnauthorized } from './errors';
import { serverApi } from './server-api';
import { endSession, startSession } from './session';

export interface SignInState {
  error: string | null;
}

const signInForm = z.object({ token: z.string().trim().min(1).max(512) });

/** Keeps the token only once the API has accepted it as the operator's. */
export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const parsed = signInForm.safeParse({ token: form.get('token') });
  if (!parsed.success) return { error: 'Enter the operator token.' };
  const { token } = parsed.data;
  try {
    await serverApi(token).operator.session.query();
  } catch (error) {
    if (isUnauthorized(error)) return { error: 'That token was refused. Check it and try again.' };
    return { error: 'The OnAir API is not answering, so the token could not be checked. Try again in a moment.' };
  }
  await startSession(token);
  redirect('/');
}

export async function signOut(): Promise<void> {
  await endSession();
  redirect('/sign-in');
}

/** The API stopped accepting the token (revoked or expired): drop it and ask for a new one. */
export async function endRefusedSession(): Promise<void> {
  await endSession();
  redirect('/sign-in?expired=1');
}
