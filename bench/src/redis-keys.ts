import { Redis } from 'ioredis';

/** Deletes every key under `pattern` with SCAN + UNLINK (Redis is shared: never FLUSH); how many went. */
export async function deleteKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** The same, on a connection of its own to `redisUrl`. */
export async function deleteKeysAt(redisUrl: string, pattern: string): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    return await deleteKeys(redis, pattern);
  } finally {
    redis.disconnect();
  }
}
