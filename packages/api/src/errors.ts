import { TRPCError } from '@trpc/server';

/** The errors of the public contract, each with the tRPC code (and HTTP status) clients rely on. */
export const notFound = (what: string, id: string) =>
  new TRPCError({ code: 'NOT_FOUND', message: `${what} ${id} does not exist` });

export const conflict = (message: string) => new TRPCError({ code: 'CONFLICT', message });

export const unauthorized = () =>
  new TRPCError({ code: 'UNAUTHORIZED', message: 'Operator credentials required: Authorization: Bearer <token>' });

/** A bad input that zod could not catch (e.g. a cursor from elsewhere), in the same shape as zod's. */
export const badRequest = (field: string, message: string) =>
  new TRPCError({ code: 'BAD_REQUEST', message: `${field}: ${message}`, cause: new FieldError(field, message) });

export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'FieldError';
  }
}

export const unavailable = (what: string) =>
  new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: `${what} is unavailable right now; retry shortly` });

/** True when the error or anything in its `cause` chain matches (drivers and ORMs wrap errors). */
export function someCause(error: unknown, matches: (error: Error) => boolean): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (matches(current)) return true;
  }
  return false;
}
