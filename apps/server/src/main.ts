import { createLogger, createOnAir, loadEnv, resolveOperatorToken } from '@onair/api';
import { buildHttpServer } from './http';
import { runEntrypoint, stopOnSignals } from './lifecycle';

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

  stopOnSignals(logger, async () => {
    await server.close();
    await onair.close();
  });
}

runEntrypoint('OnAir API', main);
