import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { inject } from 'vitest';
import { adminUrl, databaseUrl } from './postgres';

export interface TestDatabase {
  kind: 'pglite' | 'postgres';
  /** Environment that points OnAir at this database. */
  env: { DATA_DIR: string; DATABASE_URL?: string };
  drop(): Promise<void>;
}

/**
 * A fresh database of either kind, owned by one test file, already migrated: a copy of the run's
 * migrated PGlite directory, or a PostgreSQL database cloned from the run's template
 * (see global-setup.ts).
 */
export async function createTestDatabase(kind: 'pglite' | 'postgres'): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'onair-test-'));
  if (kind === 'pglite') {
    cpSync(inject('pgliteSnapshot'), join(dataDir, 'pglite'), { recursive: true });
    return {
      kind,
      env: { DATA_DIR: dataDir },
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `onair_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await cloneTemplate(admin, name, inject('postgresTemplate'));
  return {
    kind,
    env: { DATA_DIR: dataDir, DATABASE_URL: databaseUrl(name) },
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * CREATE DATABASE ... TEMPLATE refuses while any session is connected to the template; the backend
 * of the connection that migrated it may still be exiting when the first tests start: retried.
 */
async function cloneTemplate(admin: postgres.Sql, name: string, template: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.unsafe(`create database "${name}" template "${template}"`);
      return;
    } catch (error) {
      const busy = error instanceof Error && /being accessed by other users/.test(error.message);
      if (!busy || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}
