import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { someCause } from '../errors';

export type RedisRole = 'command' | 'subscriber' | 'queue';

/**
 * One factory for every Redis connection, so each role gets the right failure behaviour:
 * - `command`: API calls fail fast with a clear error while Redis is down or hung, instead of hanging.
 * - `subscriber` and `queue`: wait for Redis forever (BullMQ requires `maxRetriesPerRequest: null`).
 */
export function createRedis(
  url: string,
  role: RedisRole,
  name: string,
  { commandTimeoutMs }: { commandTimeoutMs: number },
): Redis {
  const options: RedisOptions = {
    connectionName: name,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    maxRetriesPerRequest: role === 'command' ? 2 : null,
    // While Redis is unreachable an API call fails at once (a retryable 503) instead of queueing
    // behind reconnection attempts; subscribers and queue connections wait for Redis to come back.
    enableOfflineQueue: role !== 'command',
    enableAutoPipelining: role === 'command',
    // A Redis that accepts connections but does not answer (a stalled node) must not hold a request:
    // past this bound the call fails as unavailable. Blocking reads (queue, subscriber) wait by design.
    ...(role === 'command' ? { commandTimeout: commandTimeoutMs } : {}),
  };
  return new Redis(url, options);
}

/** Every key, queue and stream lives under `REDIS_PREFIX`. */
export function redisKey(prefix: string, ...parts: string[]): string {
  return [prefix, ...parts].join(':');
}

/** Keys of one live share a hash tag so a Lua script touching them also runs on a Redis Cluster. */
export function liveKey(prefix: string, liveId: string, suffix: string): string {
  return `${prefix}:{live:${liveId}}:${suffix}`;
}

/**
 * True for errors that mean "Redis is not reachable right now" rather than a bug: what ioredis
 * reports for a connection that is closed, down (no offline queue), or slower than its command
 * timeout, and what Redis answers while it loads its data or fails over.
 */
export function isRedisUnavailable(error: unknown): boolean {
  return someCause(
    error,
    (cause) =>
      cause.name === 'MaxRetriesPerRequestError' ||
      /^(Connection is closed|Stream isn't writeable|Command timed out|LOADING|READONLY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN)/.test(
        cause.message,
      ) ||
      cause instanceof RedisTimeoutError,
  );
}

/** A Redis wait (a subscription, say) that outlived its bound. */
export class RedisTimeoutError extends Error {
  override name = 'RedisTimeoutError';
}

/**
 * A Lua script run by hash (EVALSHA), loaded on first use and again after a Redis restart
 * (NOSCRIPT). Scripts live in `.lua` files next to their domain; see `readLua`.
 */
export class LuaScript {
  private readonly sha: string;
  /** How many times the script had to be sent in full (Redis had lost it): callers that pipeline
   * other commands with it can tell that those ran before it. */
  reloads = 0;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      this.reloads++;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Reads a Lua file shipped beside the module that uses it. The server bundle copies `.lua` files
 * next to itself (apps/server/build.mjs), so the same relative URL resolves in source and in `dist/`.
 */
export function readLua(url: URL): LuaScript {
  return new LuaScript(readFileSync(url, 'utf8'));
}

/** Closes a connection politely (QUIT) if Redis answers within a second, else cuts it. */
export async function closeRedis(connection: Redis): Promise<void> {
  await Promise.race([connection.quit().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1_000))]);
  connection.disconnect();
}

/** Resolves when the connection is ready, or after `ms` (a Redis that is down is reported by /readyz). */
export async function readyWithin(connection: Redis, ms: number): Promise<boolean> {
  if (connection.status === 'ready') return true;
  return Promise.race([
    new Promise<boolean>((resolve) => connection.once('ready', () => resolve(true))),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
  ]);
}
