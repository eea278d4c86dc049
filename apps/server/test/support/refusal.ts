import { type AppRouter, TRPCClientError } from '@onair/client';
import { expect } from 'vitest';

/** Resolves with the tRPC error a call is refused with; fails the test if the call succeeds. */
export async function refusal(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to be refused');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<AppRouter>;
}
