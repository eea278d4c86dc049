// OnAir with the viewers' data plane off: every request goes through tRPC's generic Fastify path.
// Not reachable through the environment, so this is apps/server/src/main.ts with
// `buildHttpServer(onair, { dataPlane: false })`, run from the sources with tsx (context only).
// usage: tsx generic-server.mjs   (same environment as dist/main.js)

import { buildHttpServer } from '../../../apps/server/src/http.ts';
import { createLogger, createOnAir, loadEnv, resolveOperatorToken } from '../../../packages/api/src/index.ts';

const env = loadEnv();
const logger = createLogger(env, 'onair-api-generic');
const { token } = resolveOperatorToken(env);
const onair = await createOnAir({ env, logger, operatorToken: token });
const server = await buildHttpServer(onair, { dataPlane: false });
await server.listen({ host: env.HOST, port: env.PORT });
onair.start();
process.once('SIGTERM', async () => {
  await server.close();
  await onair.close();
  process.exit(0);
});
