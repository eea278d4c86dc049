import { TRPCClientError } from '@onair/client';

/** True when the API refused the credentials: missing, wrong, revoked or expired token. */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && error.data?.httpStatus === 401;
}

/**
 * A sentence an operator can act on. The API's own messages already name the field or the state at
 * fault; anything without a tRPC status (a network failure, a proxy error page) means the API is not
 * answering.
 */
export function describeError(error: unknown): string {
  if (error instanceof TRPCClientError && typeof error.data?.httpStatus === 'number' && error.data.httpStatus < 500) {
    return error.message;
  }
  return 'The OnAir API is not answering. Try again in a moment.';
}

/** True when the API refused the call with one of these statuses (e.g. 404: no such live). */
export function isClientMistake(error: unknown, statuses: readonly number[]): boolean {
  return (
    error instanceof TRPCClientError &&
    typeof error.data?.httpStatus === 'number' &&
    statuses.includes(error.data.httpStatus)
  );
}
