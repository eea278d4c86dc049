import { createLogger, createOnAir, loadEnv, type OnAir } from '@onair/api';
import { createOnAirClient, type OnAirClient } from '@onair/client';
import { buildHttpServer, type HttpServer, type HttpServerOptions } from '../../src/http';
import { createTestDatabase, type TestDatabase } from './databases';
import { deleteKeys, redisUrl, uniquePrefix } from './redis';

export const operatorToken = 'test-operator-token-0123456789';

export interface TestServer {
  url: string;
  trpcUrl: string;
  onair: OnAir;
  http: HttpServer;
  /** A client without credentials, as any viewer. */
  client: OnAirClient;
  /** A client with the operator's token. */
  operator: OnAirClient;
  clientWith(token: string | undefined): OnAirClient;
  /** Stops this server, keeping its database and Redis keys (for restart tests). */
  stop(): Promise<void>;
}

export interface TestEnvironment {
  prefix: string;
  database: TestDatabase;
  start(env?: Record<string, string>, options?: HttpServerOptions): Promise<TestServer>;
  /** Stops every server started here, drops the database and deletes the Redis keys. */
  cleanup(): Promise<void>;
}

/**
 * An isolated OnAir world for one test file: its own database, its own REDIS_PREFIX on the shared
 * Redis, and as many real HTTP servers on it as the test starts.
 */
export async function createTestEnvironment(kind: 'pglite' | 'postgres' = 'pglite'): Promise<TestEnvironment> {
  const prefix = uniquePrefix();
  const database = await createTestDatabase(kind);
  const running = new Set<TestServer>();

  const start = async (extraEnv: Record<string, string> = {}, options: HttpServerOptions = {}): Promise<TestServer> => {
    const env = loadEnv({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      OPERATOR_TOKEN: operatorToken,
      // Clips of tests are judged by their shape and length, not their quality.
      RENDER_PRESET: 'ultrafast',
      ...database.env,
      ...extraEnv,
    });
    const onair = await createOnAir({ env, logger: createLogger(env, 'onair-test'), operatorToken });
    const http = await buildHttpServer(onair, options);
    await http.listen({ host: env.HOST, port: env.PORT });
    onair.start();
    const address = http.server.address();
    if (!address || typeof address === 'string') throw new Error('server has no TCP address');
    const url = `http://127.0.0.1:${address.port}`;
    const trpcUrl = `${url}/trpc`;
    const server: TestServer = {
      url,
      trpcUrl,
      onair,
      http,
      client: createOnAirClient({ url: trpcUrl }),
      operator: createOnAirClient({ url: trpcUrl, token: operatorToken }),
      clientWith: (token) => createOnAirClient({ url: trpcUrl, token }),
      stop: async () => {
        if (!running.delete(server)) return;
        await http.close();
        await onair.close();
      },
    };
    running.add(server);
    return server;
  };

  return {
    prefix,
    database,
    start,
    async cleanup() {
      for (const server of [...running]) await server.stop();
      await database.drop();
      await deleteKeys(prefix);
    },
  };
}
