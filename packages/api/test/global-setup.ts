import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data directory, dumped to this file: each test database starts from it. */
    pgliteDump: string;
  }
}

const migrationsFolder = fileURLToPath(new URL('../src/infra/db/migrations', import.meta.url));

/** Runs PGlite's initdb (seconds of CPU) and the migrations once per run, not once per test file. */
export default async function setup(project: TestProject) {
  const directory = mkdtempSync(join(tmpdir(), 'onair-test-pglite-'));
  const pglite = new PGlite();
  try {
    await migrate(drizzle(pglite), { migrationsFolder });
    const dump = await pglite.dumpDataDir('none');
    const file = join(directory, 'migrated.tar');
    writeFileSync(file, new Uint8Array(await dump.arrayBuffer()));
    project.provide('pgliteDump', file);
  } finally {
    await pglite.close();
  }
  return () => rmSync(directory, { recursive: true, force: true });
}
