/**
 * The domain's errors. Services, consumers and workers throw these and never know about tRPC; the
 * tRPC edge (trpc.ts) maps each to its code and HTTP status once. Their messages are written for the
 * caller: they are sent as they are.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
}

export type DomainErrorKind =
  | 'not-found'
  | 'conflict'
  | 'invalid-input'
  | 'unauthorized'
  | 'forbidden'
  | 'precondition-failed'
  | 'too-many-requests'
  | 'unavailable'
  | 'lagging';

/** The base of each kind of domain error: its kind, and its name in logs and stack traces. */
function errorOfKind<K extends DomainErrorKind>(kind: K, name: string) {
  return class extends DomainError {
    readonly kind = kind;
    override name = name;
  };
}

export class NotFoundError extends errorOfKind('not-found', 'NotFoundError') {
  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist`);
  }
}

/** The thing exists but is in a state that refuses the action. */
export class ConflictError extends errorOfKind('conflict', 'ConflictError') {}

/** A bad input that zod could not catch (e.g. a cursor from elsewhere), named by its field. */
export class InvalidFieldError extends errorOfKind('invalid-input', 'InvalidFieldError') {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export class UnauthorizedError extends errorOfKind('unauthorized', 'UnauthorizedError') {}

export class ForbiddenError extends errorOfKind('forbidden', 'ForbiddenError') {}

/** The server is set up not to do this (e.g. the simulator is off). */
export class PreconditionFailedError extends errorOfKind('precondition-failed', 'PreconditionFailedError') {}

export class TooManyRequestsError extends errorOfKind('too-many-requests', 'TooManyRequestsError') {
  constructor(
    message: string,
    /** Seconds until the caller may try again (the `Retry-After` header). */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A dependency (Redis, the database) does not answer: retry shortly. */
export class UnavailableError extends errorOfKind('unavailable', 'UnavailableError') {
  constructor(
    readonly dependency: 'Redis' | 'The database',
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is unavailable right now; retry shortly`, options);
  }
}

/**
 * A subscriber that fell too far behind to be caught up in memory: its stream ends with a retryable
 * error, and its client reconnects and resumes from its last event id.
 */
export class SubscriberLaggingError extends errorOfKind('lagging', 'SubscriberLaggingError') {
  constructor() {
    super('This subscriber fell too far behind; reconnect to resume from the last event id');
  }
}

export const operatorCredentialsRequired = () =>
  new UnauthorizedError('Operator credentials required: Authorization: Bearer <token>');

/** True when the error or anything in its `cause` chain matches (drivers and ORMs wrap errors). */
export function someCause(error: unknown, matches: (error: Error) => boolean): boolean {
  return findCause(error, matches) !== undefined;
}

export function findCause<T extends Error>(
  error: unknown,
  matches: ((error: Error) => error is T) | ((error: Error) => boolean),
): T | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (matches(current)) return current as T;
  }
  return undefined;
}
