import { deleteKeysMatching } from '@onair/api';
import { Redis } from 'ioredis';

/**
 * Deletes every key under `pattern` with SCAN + UNLINK (Redis is shared: never FLUSH), on a connection
 * of its own to `redisUrl`; how many went.
 */
export async function deleteKeysAt(redisUrl: string, pattern: string): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    return await deleteKeysMatching(redis, pattern);
  } finally {
    redis.disconnect();
  }
}
