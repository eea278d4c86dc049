import { ConfigError, createLogger, createOnAir, loadEnv, resolveOperatorToken } from '@onair/api';
import { buildHttpServer } from './http';

/** The API process: configuration, the OnAir instance, the HTTP server, and a clean exit on SIGTERM. */
async function main() {
  const env = loadEnv();
  const logger = createLogger(env, 'onair-api');
  const { token, generated } = resolveOperatorToken(env);
  const onair = await createOnAir({ env, logger, operatorToken: token });
  const server = await buildHttpServer(onair);
  await server.listen({ host: env.HOST, port: env.PORT });
  onair.start();
  if (generated) {
    // Development only (production requires OPERATOR_TOKEN): the operator needs it to sign in.
    process.stdout.write(`\nOnAir operator token (development): ${token}\n\n`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    deadline.unref();
    await server.close();
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
    process.stderr.write(`OnAir API failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
