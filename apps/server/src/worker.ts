import { createServer } from 'node:http';
import { ConfigError, createLogger, createOnAir, loadEnv, type OnAir, resolveOperatorToken } from '@onair/api';
import { runEntrypoint, stopOnSignals } from './lifecycle';

/**
 * A short-video worker process: the database, Redis and the BullMQ worker, nothing else (no HTTP,
 * relay or consumers: the API processes run those). Run as many as needed; each takes
 * WORKER_CONCURRENCY jobs at a time. SIGTERM finishes the active jobs or, past a grace period, hands
 * them back to the queue; a worker killed outright has its jobs recovered as stalled by the others.
 */
async function main() {
  const env = loadEnv();
  if (!env.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration: DATABASE_URL is required for a separate worker (PGlite belongs to one process: use WORKER=inline in the API)',
    );
  }
  const logger = createLogger(env, 'onair-worker');
  const { token } = resolveOperatorToken(env);
  const onair = await createOnAir({ env, logger, operatorToken: token });
  const mediaProblem = await onair.shortVideo.media.unavailable();
  if (mediaProblem) {
    await onair.close();
    throw new ConfigError(`A worker cannot make short videos: ${mediaProblem}`);
  }
  onair.startWorker();
  const metrics = env.WORKER_METRICS_PORT ? await serveMetrics(onair, env.HOST, env.WORKER_METRICS_PORT) : undefined;
  logger.info(
    { concurrency: env.WORKER_CONCURRENCY, metricsPort: env.WORKER_METRICS_PORT },
    'short-video worker started',
  );

  stopOnSignals(logger, async () => {
    metrics?.close();
    await onair.close();
  });
}

/**
 * The worker's own metrics (stage durations and attempts are recorded where the jobs run, so only
 * this process has them), for a scraper: /metrics, and /healthz for an orchestrator.
 */
async function serveMetrics(onair: OnAir, host: string, port: number) {
  const server = createServer((request, response) => {
    if (request.url === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    const { registry } = onair.metrics;
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}

runEntrypoint('OnAir worker', main);
