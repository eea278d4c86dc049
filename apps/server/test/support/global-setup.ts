import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@onair/api';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { adminUrl, databaseUrl } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data directory: each test database starts as a copy of it. */
    pgliteSnapshot: string;
    /** A migrated PostgreSQL database: each test database is created from it as a template. */
    postgresTemplate: string;
  }
}

interface MigratedDatabases {
  pgliteSnapshot: string;
  postgresTemplate: string;
  drop(): Promise<void>;
}

/** The projects of one run share one pair (each project runs its global setup in the same process). */
const shared = globalThis as { onairTestDatabases?: { users: number; ready: Promise<MigratedDatabases> } };

/**
 * Migrates one PGlite directory and one PostgreSQL database per run, so that no test pays for
 * PGlite's initdb (seconds of CPU) or for the migrations: test databases are copies of these
 * (support/databases.ts), dropped with them after the run.
 */
export default async function setup(project: TestProject) {
  shared.onairTestDatabases ??= { users: 0, ready: migrateDatabases() };
  const databases = shared.onairTestDatabases;
  databases.users++;
  const { pgliteSnapshot, postgresTemplate, drop } = await databases.ready;
  project.provide('pgliteSnapshot', pgliteSnapshot);
  project.provide('postgresTemplate', postgresTemplate);
  return async () => {
    if (--databases.users > 0) return;
    shared.onairTestDatabases = undefined;
    await drop();
  };
}

async function migrateDatabases(): Promise<MigratedDatabases> {
  const snapshotRoot = mkdtempSync(join(tmpdir(), 'onair-test-snapshot-'));
  const template = `onair_template_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const drop = async () => {
    await admin.unsafe(`drop database if exists "${template}" with (force)`);
    await admin.end();
    rmSync(snapshotRoot, { recursive: true, force: true });
  };
  try {
    const snapshot = await openDatabase({ dataDir: snapshotRoot });
    await snapshot.close();
    await admin.unsafe(`create database "${template}"`);
    const migrated = await openDatabase({ databaseUrl: databaseUrl(template), dataDir: snapshotRoot });
    await migrated.close();
  } catch (error) {
    await drop();
    throw error;
  }
  return { pgliteSnapshot: join(snapshotRoot, 'pglite'), postgresTemplate: template, drop };
}
