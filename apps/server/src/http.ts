import { createServer } from 'node:http';
import cors from '@fastify/cors';
import { type AppRouter, appRouter, type OnAir, retryAfterOf, toTRPCError } from '@onair/api';
import { type FastifyHandlerOptions, fastifyRequestHandler } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { adminQueues } from './admin-queues';
import { media } from './media';
import { refuse } from './refusals';
import { BodyRefused, boundedBody } from './request-limits';
import { StreamLimits } from './stream-limits';
import { ViewerDataPlane } from './viewer-data-plane';

/** The API's HTTP surface: /trpc (batched HTTP and SSE), Bull Board, clips and posters, health, readiness and metrics. */
export interface HttpServerOptions {
  /** Serve the hot viewer procedures on the data plane (default); off, tRPC serves everything. */
  dataPlane?: boolean;
}

export async function buildHttpServer(onair: OnAir, options: HttpServerOptions = {}) {
  const { env, logger } = onair;
  const server = Fastify({
    loggerInstance: logger,
    // Per-request logs would drown the viewer heartbeats; failures are logged below and in onError.
    logController: new LogController({ disableRequestLogging: true }),
    // Batched tRPC calls put every procedure name in the path.
    routerOptions: { maxParamLength: 5_000 },
    // SSE streams never end by themselves: close them on shutdown so clients reconnect elsewhere.
    forceCloseConnections: true,
    // A client that sends its headers or body slowly is cut off (408) instead of holding memory;
    // Node checks the deadlines every second rather than every 30.
    serverFactory: (handler) =>
      createServer(
        {
          headersTimeout: env.HTTP_HEADERS_TIMEOUT_MS,
          requestTimeout: env.HTTP_REQUEST_TIMEOUT_MS,
          connectionsCheckingInterval: 1_000,
        },
        handler,
      ),
    bodyLimit: env.HTTP_BODY_LIMIT_BYTES,
    // request.ip is the client behind the trusted proxies only: a forged X-Forwarded-For from
    // anyone else is ignored (guest budgets and stream limits are per address).
    ...(env.TRUST_PROXY !== undefined ? { trustProxy: trustedProxies(env.TRUST_PROXY) } : {}),
  });

  await server.register(cors, {
    origin: env.CORS_ORIGIN,
    credentials: true,
    maxAge: 600,
  });

  const maxBatchSize = 100;
  const trpcOptions: FastifyHandlerOptions<AppRouter, FastifyRequest, FastifyReply> & { maxBatchSize: number } = {
    router: appRouter,
    maxBatchSize,
    createContext: ({ req }) => ({ onair, authorization: req.headers.authorization, clientAddress: req.ip }),
    // A 429 says when to come back. The data plane calls this too, with the same arguments.
    responseMeta: ({ errors }) => {
      const seconds = retryAfterOf(errors);
      return seconds === undefined ? {} : { headers: { 'retry-after': String(seconds) } };
    },
    onError: ({ error, path }) => {
      const mapped = toTRPCError(error);
      if (mapped.code === 'INTERNAL_SERVER_ERROR')
        logger.error({ err: error.cause ?? error, path }, 'procedure failed');
      else if (mapped.code === 'SERVICE_UNAVAILABLE')
        logger.warn({ path, reason: mapped.message }, 'procedure refused');
    },
  };
  const dataPlane = options.dataPlane === false ? undefined : new ViewerDataPlane(trpcOptions);
  const streams = new StreamLimits(env.SSE_MAX_STREAMS_PER_ADDRESS, env.SSE_MAX_STREAMS);
  server.addHook('onClose', async () => dataPlane?.close());

  // tRPC's own scope: every body is read as text within the limits (tRPC parses it), whatever its
  // content type, so that tRPC itself answers a type it does not take (415).
  await server.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', boundedBody({ limitBytes: env.TRPC_BODY_LIMIT_BYTES, maxDepth: 32 }));
    scope.setErrorHandler((error, request, reply) => {
      if (!(error instanceof BodyRefused)) throw error;
      return refuse(reply, (request.params as { path?: string }).path, error.code, error.message);
    });
    scope.all<{ Params: { path: string } }>('/trpc/:path', async (request, reply) => {
      const { path } = request.params;
      if (request.method === 'GET' && isSubscription(path) && !streams.admit(request, reply)) return;
      if (await dataPlane?.serve(request, reply, path)) return;
      return fastifyRequestHandler({ ...trpcOptions, req: request, res: reply, path });
    });
  });

  await server.register(adminQueues, { onair });
  await server.register(media, { onair });

  server.get('/healthz', async () => ({ status: 'ok' }));

  server.get('/readyz', async (_request, reply) => {
    const checks = await onair.checkReady();
    // The worker of this process (WORKER=inline) cannot make a clip without ffmpeg.
    const ready = checks.redis && checks.database && checks.media?.ok !== false;
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'unavailable',
      redis: checks.redis ? 'ok' : 'unreachable',
      database: checks.database ? 'ok' : 'unreachable',
      ffmpeg: checks.media === undefined ? 'not needed (no worker here)' : checks.media.ok ? 'ok' : checks.media.reason,
    });
  });

  server.get('/metrics', async (_request, reply) => {
    const { registry } = onair.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });

  return server;
}

/** TRUST_PROXY as Fastify takes it: a hop count trusts that many proxies nearest the server. */
function trustedProxies(setting: number | string[]): string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  return (_address, hop) => hop < setting;
}

/** Looked up by own keys: `constructor` or `__proto__` in a path is no procedure. */
function isSubscription(path: string): boolean {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } } | undefined>;
  return Object.hasOwn(procedures, path) && procedures[path]?._def.type === 'subscription';
}

export type HttpServer = Awaited<ReturnType<typeof buildHttpServer>>;
