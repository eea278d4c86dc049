import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { someCause } from '../errors';

export type RedisRole = 'command' | 'subscriber' | 'queue';

/** A connection to one Redis or to a Redis Cluster: every caller works with either. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: one server (REDIS_URL) or the seeds of a cluster (REDIS_CLUSTER_NODES). */
export type RedisTarget = { url: string } | { clusterNodes: { host: string; port: number }[] };

export function redisTargetOf(env: {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES?: { host: string; port: number }[] | undefined;
}): RedisTarget {
  return env.REDIS_CLUSTER_NODES ? { clusterNodes: env.REDIS_CLUSTER_NODES } : { url: env.REDIS_URL };
}

/** For logs: where Redis is, without credentials. */
export function describeRedisTarget(target: RedisTarget): string {
  return 'url' in target
    ? new URL(target.url).host
    : `cluster ${target.clusterNodes.map(({ host, port }) => `${host}:${port}`).join(',')}`;
}

/**
 * One factory for every Redis connection, so each role gets the right failure behaviour:
 * - `command`: API calls fail fast with a clear error while Redis is down or hung, instead of hanging.
 * - `subscriber` and `queue`: wait for Redis forever (BullMQ requires `maxRetriesPerRequest: null`).
 * On a cluster the same rules apply to every node's connection, and the subscriber opens one sharded
 * subscriber connection per master (SSUBSCRIBE goes to the master of the channel's slot).
 */
export function createRedis(
  target: RedisTarget,
  role: RedisRole,
  name: string,
  { commandTimeoutMs }: { commandTimeoutMs: number },
): RedisClient {
  const retryDelay = (attempt: number) => Math.min(attempt * 100, 1_000);
  const perConnection = {
    connectionName: name,
    maxRetriesPerRequest: role === 'command' ? 2 : null,
    // A Redis that accepts connections but does not answer (a stalled node) must not hold a request:
    // past this bound the call fails as unavailable. Blocking reads (queue, subscriber) wait by design.
    ...(role === 'command' ? { commandTimeout: commandTimeoutMs } : {}),
  } satisfies RedisOptions;
  // While Redis is unreachable an API call fails at once (a retryable 503) instead of queueing
  // behind reconnection attempts; subscribers and queue connections wait for Redis to come back.
  const enableOfflineQueue = role !== 'command';
  if ('url' in target) {
    return new Redis(target.url, {
      ...perConnection,
      lazyConnect: false,
      retryStrategy: retryDelay,
      enableOfflineQueue,
      enableAutoPipelining: role === 'command',
    });
  }
  const options: ClusterOptions = {
    redisOptions: perConnection,
    lazyConnect: false,
    // Seeds unreachable (the whole cluster down): retried for ever, like a single Redis.
    clusterRetryStrategy: retryDelay,
    enableOfflineQueue,
    // Not on a cluster: ioredis batches auto-pipelined commands per node and, after a failover, keeps
    // sending a moved slot's commands to the old node and hands back MOVED (redis/ioredis#2075).
    enableAutoPipelining: false,
    // A master that died is replaced by its replica within the cluster's node timeout: commands to
    // its slots are retried (after a topology refresh) rather than failed at the first closed socket.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    shardedSubscribers: role === 'subscriber',
  };
  return new Cluster(target.clusterNodes, options);
}

/** The masters of a cluster (each owns some slots), or the one Redis. */
export function mastersOf(redis: RedisClient): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

/** Every master answers a PING (on a cluster: each owns slots, so each must answer for all keys to work). */
export async function pingEveryMaster(redis: RedisClient): Promise<void> {
  const masters = mastersOf(redis);
  if (masters.length === 0) throw new Error('Redis Cluster: no master known yet');
  await Promise.all(masters.map((master) => master.ping()));
}

/**
 * Deletes the keys matching `pattern` (tests, benchmarks, tools: never on a request path). A cluster
 * is scanned master by master, and each key unlinked on its own (keys of one UNLINK share a slot).
 */
export async function deleteKeysMatching(redis: RedisClient, pattern: string): Promise<number> {
  let deleted = 0;
  for (const master of mastersOf(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await master.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length === 0) continue;
      if (redis instanceof Cluster) {
        const pipeline = master.pipeline();
        for (const key of keys) pipeline.unlink(key);
        for (const [error, count] of (await pipeline.exec()) ?? []) {
          if (error) throw error;
          deleted += Number(count);
        }
      } else {
        deleted += await master.unlink(...keys);
      }
    } while (cursor !== '0');
  }
  return deleted;
}

/**
 * The cluster slot of a key (CRC16 of its hash tag, or of the whole key), as Redis computes it:
 * what picks the keys that land on a given master (see data-loss.ts).
 */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(hashed)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16_384;
}

/** Every key, queue and stream lives under `REDIS_PREFIX`. */
export function redisKey(prefix: string, ...parts: string[]): string {
  return [prefix, ...parts].join(':');
}

/**
 * The BullMQ prefix of a queue: BullMQ's keys are `<prefix>:<queue>:<suffix>`, and Lua scripts of
 * one queue touch many of them, so they must share a slot on a Redis Cluster: the queue's name is the
 * hash tag (the same keys on a single Redis, so both behave alike; Bull Board reads them through the
 * Queue objects, whatever the prefix).
 */
export function queuePrefix(prefix: string, queueName: string): string {
  return `${prefix}:{${queueName}}`;
}

/** The domain event stream; its dead letters (`<stream>:dead`) share its hash tag. */
export function eventStreamKey(prefix: string): string {
  return `${prefix}:{events}`;
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
      /^(Connection is closed|Stream isn't writeable|Command timed out|LOADING|READONLY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|Cluster isn't ready|Failed to refresh slots cache|None of startup nodes|Too many Cluster redirections)/.test(
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
 *
 * Not ioredis's `defineCommand`: with auto-pipelining on, its script commands now and then crashed
 * the process (`results[i] is not iterable` in ioredis's autoPipelining.js) or left a pipeline
 * waiting for good (the sharded viewers' test hung), in ioredis 6.0.0; tried on 2026-12-02 and again
 * on 2026-12-04.
 */
export class LuaScript {
  private readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
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
export async function closeRedis(connection: RedisClient): Promise<void> {
  await Promise.race([connection.quit().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1_000))]);
  connection.disconnect();
}

/** Resolves when the connection is ready, or after `ms` (a Redis that is down is reported by /readyz). */
export async function readyWithin(connection: RedisClient, ms: number): Promise<boolean> {
  if (connection.status === 'ready') return true;
  return Promise.race([
    new Promise<boolean>((resolve) => connection.once('ready', () => resolve(true))),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
  ]);
}
