import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { test as base, inject } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../src/infra/db/client';

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

/**
 * A migrated in-memory PGlite database, loaded from the run's migrated dump (test/global-setup.ts):
 * PGlite's initdb costs seconds of CPU, paid once per run.
 */
export async function memoryDatabase(): Promise<DatabaseHandle> {
  const pgliteDump = new Blob([readFileSync(inject('pgliteDump'))]);
  return openDatabase({ dataDir: 'memory://', pgliteDump });
}

/** Empties every table of the application (the migrations' own bookkeeping is in another schema). */
export async function emptyTables(database: DatabaseHandle): Promise<void> {
  const tables = await database.db.execute<{ name: string }>(
    sql`select quote_ident(tablename) as name from pg_tables where schemaname = 'public'`,
  );
  const rows: { name: string }[] = Array.isArray(tables) ? tables : (tables as { rows: { name: string }[] }).rows;
  if (rows.length === 0) return;
  await database.db.execute(sql.raw(`truncate ${rows.map((row) => row.name).join(', ')} restart identity cascade`));
}

/**
 * Vitest's `test` with the shared setup of the integration tests:
 * - `database` (file): one migrated in-memory PGlite for the whole file, as earlier tests left it;
 * - `emptyDatabase` (test): the same database with every table emptied first;
 * - `prefix` (test): a REDIS_PREFIX of the test's own;
 * - `redis` (test): connections under that prefix; the prefix's keys are deleted after the test.
 *
 * ```ts
 * test('publishes once per group', async ({ emptyDatabase, redis, prefix }) => { ... });
 * ```
 */
export const test = base
  // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from this pattern.
  .extend('database', { scope: 'file' }, async ({}, { onCleanup }) => {
    const database = await memoryDatabase();
    onCleanup(() => database.close());
    return database;
  })
  .extend('emptyDatabase', async ({ database }) => {
    await emptyTables(database);
    return database;
  })
  // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from this pattern.
  .extend('prefix', async ({}) => uniquePrefix())
  .extend('redis', async ({ prefix }, { onCleanup }) => {
    const redis = testRedis(prefix);
    onCleanup(() => redis.cleanup());
    return redis;
  });
