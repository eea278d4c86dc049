import { Redis } from 'ioredis';
import { pino } from 'pino';
import { openDatabase } from '../src/infra/db/client';

export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export function uniquePrefix(): string {
  return `onair-test-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/** A Redis connection for one test plus cleanup of that test's keys only (the Redis is shared). */
export function testRedis(prefix: string) {
  const connections: Redis[] = [];
  return {
    connect(options: { maxRetriesPerRequest?: number | null } = {}) {
      const connection = new Redis(redisUrl, { maxRetriesPerRequest: null, ...options });
      connections.push(connection);
      return connection;
    },
    async cleanup() {
      const redis = new Redis(redisUrl);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== '0');
      redis.disconnect();
      for (const connection of connections) connection.disconnect();
    },
  };
}

export const memoryDatabase = () => openDatabase({ dataDir: 'memory://' });
