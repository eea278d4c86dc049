import cors from '@fastify/cors';
import { type AppRouter, appRouter, type OnAir } from '@onair/api';
import { type FastifyHandlerOptions, fastifyRequestHandler } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { adminQueues } from './admin-queues';
import { media } from './media';
import { ViewerDataPlane } from './viewer-data-plane';

/** The API's HTTP surface: /trpc (batched HTTP and SSE), Bull Board, clips and posters, health, readiness and metrics. */
export interface HttpServerOptions {
  /** Serve the hot viewer procedures on the data plane (default); off, tRPC serves everything. */
  dataPlane?: boolean;
}

export async function buildHttpServer(onair: OnAir, options: HttpServerOptions = {}) {
  const server = Fastify({
    loggerInstance: onair.logger,
    // Per-request logs would drown the viewer heartbeats; failures are logged below and in onError.
    logController: new LogController({ disableRequestLogging: true }),
    // Batched tRPC calls put every procedure name in the path.
    routerOptions: { maxParamLength: 5_000 },
    // SSE streams never end by themselves: close them on shutdown so clients reconnect elsewhere.
    forceCloseConnections: true,
  });

  await server.register(cors, {
    origin: onair.env.CORS_ORIGIN,
    credentials: true,
    maxAge: 600,
  });

  const maxBatchSize = 100;
  const trpcOptions: FastifyHandlerOptions<AppRouter, FastifyRequest, FastifyReply> = {
    router: appRouter,
    maxBatchSize,
    createContext: ({ req }) => ({ onair, authorization: req.headers.authorization }),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        onair.logger.error({ err: error.cause ?? error, path }, 'procedure failed');
    },
  };
  // As tRPC's Fastify plugin does: tRPC reads bodies itself.
  server.removeContentTypeParser('application/json');
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  const dataPlane = options.dataPlane === false ? undefined : new ViewerDataPlane(onair, maxBatchSize);
  server.addHook('onClose', async () => dataPlane?.close());
  server.all<{ Params: { path: string }; Querystring: { batch?: string } }>('/trpc/:path', async (request, reply) => {
    const { path } = request.params;
    const generic = () => fastifyRequestHandler({ ...trpcOptions, req: request, res: reply, path });
    const batch = request.query.batch === '1';
    if (dataPlane?.handles(request.method, path, batch)) return dataPlane.handle(request, reply, path, batch, generic);
    return generic();
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

export type HttpServer = Awaited<ReturnType<typeof buildHttpServer>>;
