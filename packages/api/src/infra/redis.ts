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

/** A Lua script, run on a connection as a command of its own. */
export interface LuaScript {
  run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown>;
}

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

/**
 * Reads a Lua file shipped beside the module that uses it, as a command defined on each connection
 * that runs it (ioredis's `defineCommand`: EVALSHA, and the script sent again when Redis lost it).
 * The server bundle copies `.lua` files next to itself (apps/server/build.mjs), so the same relative
 * URL resolves in source and in `dist/`.
 */
export function readLua(url: URL): LuaScript {
  const lua = readFileSync(url, 'utf8');
  const name = `onair_${createHash('sha1').update(lua).digest('hex').slice(0, 16)}`;
  const definedOn = new WeakSet<Redis>();
  return {
    run(redis, keys, args) {
      if (!definedOn.has(redis)) {
        redis.defineCommand(name, { lua });
        definedOn.add(redis);
      }
      const command = (redis as unknown as Record<string, ScriptCommand>)[name] as ScriptCommand;
      return command.call(redis, keys.length, ...keys, ...args);
    },
  };
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
