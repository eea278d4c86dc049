import { ConfigError, createLogger, createOnAir, loadEnv, resolveOperatorToken } from '@onair/api';

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
  onair.startWorker();
  logger.info({ concurrency: env.WORKER_CONCURRENCY }, 'short-video worker started');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    deadline.unref();
    await onair.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`OnAir worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
