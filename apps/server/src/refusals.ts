import { appRouter } from '@onair/api';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { getErrorShape } from '@trpc/server/unstable-core-do-not-import';
import type { FastifyReply } from 'fastify';

/**
 * Answers a request refused before tRPC saw it (a limit of the HTTP layer) with tRPC's own error
 * envelope and status, so every client reads it as it reads any other error.
 */
export function refuse(
  reply: FastifyReply,
  path: string | undefined,
  code: TRPCError['code'],
  message: string,
  retryAfterSeconds?: number,
): FastifyReply {
  const error = new TRPCError({ code, message });
  const shape = getErrorShape({
    config: appRouter._def._config,
    error,
    type: 'unknown',
    path,
    input: undefined,
    ctx: undefined,
  });
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
  // Nothing more is read from this connection: the client learns it from the answer.
  if (code === 'PAYLOAD_TOO_LARGE') reply.header('connection', 'close');
  return reply.code(getHTTPStatusCodeFromError(error)).type('application/json').send({ error: shape });
}
