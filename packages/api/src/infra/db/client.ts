import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

/** The one database type the domains see: the same queries run on PostgreSQL and PGlite. */
export type Database = PgDatabase<PgQueryResultHKT>;
/** A transaction or the database itself. */
export type Executor = Parameters<Parameters<Database['transaction']>[0]>[0] | Database;

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Migrations sit next to this module in the source tree and next to the bundle in `dist/`,
 * so the same relative URL finds them in both.
 */
const defaultMigrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

const MIGRATION_LOCK = 7_246_001;

export interface OpenDatabaseOptions {
  /** PostgreSQL when set; embedded PGlite otherwise. */
  databaseUrl?: string | undefined;
  /** PostgreSQL: named prepared statements (off behind a transaction pooler such as PgBouncer). */
  prepare?: boolean;
  /** PostgreSQL: connections of this process's pool. */
  poolSize?: number;
  /** PGlite keeps its files under `<dataDir>/pglite`; `memory://` keeps them in memory. */
  dataDir: string;
  migrationsFolder?: string;
  /**
   * PGlite only: start from this data directory, as PGlite's `dumpDataDir()` wrote it, instead of
   * an empty one (tests start from a migrated dump rather than paying for initdb each time).
   */
  pgliteDump?: Blob;
}

/** Opens the database and applies pending migrations. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const migrationsFolder = options.migrationsFolder ?? defaultMigrationsFolder;
  if (options.databaseUrl) {
    const client = postgres(options.databaseUrl, {
      max: options.poolSize ?? 10,
      prepare: options.prepare ?? true,
      onnotice: () => {},
      connect_timeout: 5,
    });
    const db = drizzlePostgres(client);
    // Several processes (API, workers) may start together: one migrates at a time. The lock is held
    // by a transaction (taken with pg_advisory_xact_lock, released by its end) while the migrations
    // run on the pool's other connections: a session lock would outlive its transaction on whatever
    // server connection a transaction pooler (PgBouncer) handed out, and stay taken there.
    await client.begin(async (lock) => {
      await lock`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
      await migratePostgres(db, { migrationsFolder });
    });
    return {
      db: db as unknown as Database,
      kind: 'postgres',
      ping: async () => {
        await client`select 1`;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }

  const inMemory = options.dataDir === 'memory://';
  const path = inMemory ? undefined : join(options.dataDir, 'pglite');
  if (path) mkdirSync(path, { recursive: true });
  const client = new PGlite(path, options.pgliteDump ? { loadDataDir: options.pgliteDump } : {});
  const db = drizzlePglite(client);
  await migratePglite(db, { migrationsFolder });
  return {
    db: db as unknown as Database,
    kind: 'pglite',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.close(),
  };
}
