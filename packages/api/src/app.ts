import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createOperatorCheck } from './auth';
import { someCause } from './errors';
import { type DatabaseHandle, openDatabase } from './infra/db/client';
import type { Env } from './infra/env';
import { createMetrics, type Metrics } from './infra/metrics';
import { RealtimeHub } from './infra/realtime';
import { createRedis } from './infra/redis';
import { LiveService } from './live/service';

/** One running OnAir: its connections and its domain services, wired once at start. */
export interface OnAir {
  env: Env;
  logger: Logger;
  database: DatabaseHandle;
  redis: Redis;
  realtime: RealtimeHub;
  metrics: Metrics;
  live: LiveService;
  isOperator(authorization: string | undefined): boolean;
  isDatabaseUnavailable(error: unknown): boolean;
  /** Redis and the database both answer. */
  checkReady(): Promise<{ redis: boolean; database: boolean }>;
  close(): Promise<void>;
}

export interface CreateOnAirOptions {
  env: Env;
  logger: Logger;
  operatorToken: string;
}

export async function createOnAir({ env, logger, operatorToken }: CreateOnAirOptions): Promise<OnAir> {
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  const redis = createRedis(env.REDIS_URL, 'command', `${env.REDIS_PREFIX}:api`);
  const subscriber = createRedis(env.REDIS_URL, 'subscriber', `${env.REDIS_PREFIX}:realtime`);
  for (const [connection, role] of [
    [redis, 'commands'],
    [subscriber, 'real-time subscriber'],
  ] as const) {
    connection.on('error', (error: Error) =>
      logger.warn({ err: error.message }, `Redis (${role}) unavailable; retrying`),
    );
  }
  const metrics = createMetrics();
  const realtime = new RealtimeHub(redis, subscriber, env.REDIS_PREFIX, logger);
  const live = new LiveService({ db: database.db, realtime, logger });
  const isOperator = createOperatorCheck(operatorToken);

  return {
    env,
    logger,
    database,
    redis,
    realtime,
    metrics,
    live,
    isOperator,
    isDatabaseUnavailable: (error) => isDatabaseUnavailable(error),
    async checkReady() {
      const within = <T>(promise: Promise<T>) =>
        Promise.race([
          promise,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_000)),
        ]);
      const [redisOk, databaseOk] = await Promise.all([
        within(redis.ping()).then(
          () => true,
          () => false,
        ),
        within(database.ping()).then(
          () => true,
          () => false,
        ),
      ]);
      return { redis: redisOk, database: databaseOk };
    },
    async close() {
      await Promise.allSettled([redis.quit(), subscriber.quit()]);
      await database.close();
    },
  };
}

/** postgres.js connection failures carry a system error code; PGlite runs in-process and cannot drop. */
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  '57P01', // admin_shutdown
  '57P03', // cannot_connect_now
]);

function isDatabaseUnavailable(error: unknown): boolean {
  return someCause(error, (cause) => unavailableCodes.has(String((cause as Error & { code?: unknown }).code)));
}
