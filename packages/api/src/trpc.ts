import { initTRPC, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import type { OnAir } from './app';
import {
  DomainError,
  type DomainErrorKind,
  findCause,
  InvalidFieldError,
  operatorCredentialsRequired,
  TooManyRequestsError,
  UnavailableError,
} from './errors';
import { isDatabaseRefusal, isDatabaseUnavailable } from './infra/db/errors';
import { isRedisUnavailable } from './infra/redis';

/** What every procedure sees: the running OnAir instance and the caller's credentials. */
export interface Context {
  onair: OnAir;
  authorization: string | undefined;
  /** The client's address, as seen through the trusted proxies (TRUST_PROXY): guest budgets are per address. */
  clientAddress: string;
}

/**
 * Procedure metadata. `dataPlane` marks the viewers' hot procedures, which the server's data plane
 * serves without tRPC's per-request HTTP machinery, by calling the procedure itself.
 */
export interface ProcedureMeta {
  dataPlane?: 'mutation' | 'fanout';
}

export interface FieldIssue {
  path: string;
  message: string;
}

const codeOf: Record<DomainErrorKind, TRPCError['code']> = {
  'not-found': 'NOT_FOUND',
  conflict: 'CONFLICT',
  'invalid-input': 'BAD_REQUEST',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  'precondition-failed': 'PRECONDITION_FAILED',
  'too-many-requests': 'TOO_MANY_REQUESTS',
  unavailable: 'SERVICE_UNAVAILABLE',
  // Retryable for tRPC's clients, which reconnect and resume.
  lagging: 'SERVICE_UNAVAILABLE',
};

/**
 * The one place where errors become tRPC errors: domain errors get their code, outages of Redis
 * or the database a retryable 503 naming which, values the database refused a 400; anything else
 * stays INTERNAL_SERVER_ERROR (its message is not sent: see the formatter).
 */
export function toTRPCError(error: TRPCError): TRPCError {
  if (error.code !== 'INTERNAL_SERVER_ERROR') return error;
  const cause = error.cause;
  const domain = findCause(cause, (candidate): candidate is DomainError => candidate instanceof DomainError);
  if (domain) return new TRPCError({ code: codeOf[domain.kind], message: domain.message, cause: domain });
  const outage = isRedisUnavailable(cause)
    ? new UnavailableError('Redis', { cause })
    : isDatabaseUnavailable(cause)
      ? new UnavailableError('The database', { cause })
      : undefined;
  if (outage) return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: outage.message, cause: outage });
  if (isDatabaseRefusal(cause)) {
    const refused = new InvalidFieldError('input', 'holds a value the database cannot store');
    return new TRPCError({ code: 'BAD_REQUEST', message: refused.message, cause: refused });
  }
  return error;
}

/** The longest `Retry-After` (seconds) asked by the errors of an answer, if any asks one. */
export function retryAfterOf(errors: readonly unknown[]): number | undefined {
  let seconds: number | undefined;
  for (const error of errors) {
    const tooMany = findCause(error, (cause): cause is TooManyRequestsError => cause instanceof TooManyRequestsError);
    if (tooMany) seconds = Math.max(seconds ?? 0, tooMany.retryAfterSeconds);
  }
  return seconds;
}

function fieldIssues(cause: unknown): FieldIssue[] | undefined {
  if (cause instanceof ZodError) {
    return cause.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  }
  if (cause instanceof InvalidFieldError) return [{ path: cause.field, message: cause.reason }];
  return undefined;
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    isDev: false,
    sse: {
      ping: { enabled: true, intervalMs: 10_000 },
      client: { reconnectAfterInactivityMs: 25_000 },
    },
    errorFormatter({ shape, error, ctx }) {
      // Errors raised outside the middleware (while a subscription streams) are mapped here too.
      const mapped = toTRPCError(error);
      const issues = mapped.code === 'BAD_REQUEST' ? fieldIssues(mapped.cause) : undefined;
      const internal = mapped.code === 'INTERNAL_SERVER_ERROR';
      // An unexpected error's message can hold anything (SQL, parameters, paths): it is logged in
      // full (onError) and answered in general terms, except to a developer on their machine.
      const message = issues
        ? issues.map((issue) => `${issue.path || 'input'}: ${issue.message}`).join('; ')
        : internal && ctx?.onair.env.NODE_ENV !== 'development'
          ? 'Internal server error'
          : mapped.message;
      const httpStatus = getHTTPStatusCodeFromError(mapped);
      return {
        ...shape,
        code: TRPC_ERROR_CODES_BY_KEY[mapped.code],
        message,
        data: { code: mapped.code, httpStatus, path: shape.data.path, issues: issues ?? null },
      };
    },
  });

export const router = t.router;

/** Times every call by procedure and result code. */
const observed = t.middleware(async ({ ctx, path, type, next }) => {
  // One observe with every label at once: prom-client's startTimer merges label objects per call.
  const started = performance.now();
  const result = await next();
  ctx.onair.metrics.procedureDuration.observe(
    { procedure: path, type, code: result.ok ? 'OK' : toTRPCError(result.error).code },
    (performance.now() - started) / 1_000,
  );
  return result;
});

export const publicProcedure = t.procedure.use(observed);

/** Operator only; `ctx.operator` names which operator (OPERATOR_TOKENS), for the record and the logs. */
export const operatorProcedure = publicProcedure.use(({ ctx, next }) => {
  const operator = ctx.onair.operatorOf(ctx.authorization);
  if (!operator) throw operatorCredentialsRequired();
  return next({ ctx: { operator } });
});
