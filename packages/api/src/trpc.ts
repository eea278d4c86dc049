import { initTRPC, type TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { OnAir } from './app';
import { FieldError, unauthorized, unavailable } from './errors';
import { isRedisUnavailable } from './infra/redis';

/** What every procedure sees: the running OnAir instance and the caller's credentials. */
export interface Context {
  onair: OnAir;
  authorization: string | undefined;
}

export interface FieldIssue {
  path: string;
  message: string;
}

function fieldIssues(cause: unknown): FieldIssue[] | undefined {
  if (cause instanceof ZodError) {
    return cause.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  }
  if (cause instanceof FieldError) return [{ path: cause.field, message: cause.message }];
  return undefined;
}

const t = initTRPC.context<Context>().create({
  isDev: false,
  sse: {
    ping: { enabled: true, intervalMs: 10_000 },
    client: { reconnectAfterInactivityMs: 25_000 },
  },
  errorFormatter({ shape, error }) {
    const issues = error.code === 'BAD_REQUEST' ? fieldIssues(error.cause) : undefined;
    return {
      ...shape,
      // Name the fields in the message itself, so any client shows something useful.
      message: issues ? issues.map((issue) => `${issue.path || 'input'}: ${issue.message}`).join('; ') : shape.message,
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, issues: issues ?? null },
    };
  },
});

export const router = t.router;

/**
 * Infrastructure outages become a clear, retryable 503 rather than a 500; any other error is kept.
 * Shared with the server's data plane, so both paths answer an outage the same way.
 */
export function translateError(onair: OnAir, error: TRPCError): TRPCError {
  if (error.code !== 'INTERNAL_SERVER_ERROR') return error;
  if (isRedisUnavailable(error.cause)) return unavailable('Redis');
  if (onair.isDatabaseUnavailable(error.cause)) return unavailable('The database');
  return error;
}

/** Times every call by procedure and result code. */
const observed = t.middleware(async ({ ctx, path, type, next }) => {
  const stop = ctx.onair.metrics.procedureDuration.startTimer({ procedure: path, type });
  const result = await next();
  if (result.ok) {
    stop({ code: 'OK' });
    return result;
  }
  const error = translateError(ctx.onair, result.error);
  stop({ code: error.code });
  if (error !== result.error) throw error;
  return result;
});

export const publicProcedure = t.procedure.use(observed);

export const operatorProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.onair.isOperator(ctx.authorization)) throw unauthorized();
  return next();
});
