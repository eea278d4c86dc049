import { test as base } from 'vitest';
import type { HttpServerOptions } from '../../src/http';
import { createTestEnvironment, type TestEnvironment, type TestServer } from './server';

export interface OnAirTestOptions {
  /** The file's database: PGlite, or PostgreSQL when another process must share it. */
  database?: 'pglite' | 'postgres';
  /** Settings of the file's server, on top of the test defaults (e.g. `{ VIEWER_TTL_MS: '1500' }`). */
  env?: Record<string, string>;
  /** Options of the file's HTTP server (e.g. `{ dataPlane: false }`). */
  http?: HttpServerOptions;
}

/**
 * Vitest's `test` with an OnAir world per file:
 * - `world` (file): a database and a REDIS_PREFIX of the file's own, cleaned up after its last test;
 * - `server` (file): one real HTTP server on that world, started with `options`, on first use;
 * - `isolatedWorld` (test): `await isolatedWorld('postgres')` gives a further world of the test's own
 *   (for a test that needs an empty database, other settings or restarts), cleaned up after the test.
 *
 * ```ts
 * const test = onAirTest({ env: { VIEWER_TTL_MS: '1500' } });
 * test('counts a viewer once', async ({ server }) => { ... });
 * ```
 */
export function onAirTest(options: OnAirTestOptions = {}) {
  return base
    .extend('worldOptions', { scope: 'file' }, options)
    .extend('world', { scope: 'file' }, async ({ worldOptions }, { onCleanup }): Promise<TestEnvironment> => {
      const world = await createTestEnvironment(worldOptions.database);
      onCleanup(() => world.cleanup());
      return world;
    })
    .extend(
      'server',
      { scope: 'file' },
      async ({ world, worldOptions }): Promise<TestServer> => world.start(worldOptions.env, worldOptions.http),
    )
    .extend('isolatedWorld', async ({ worldOptions }, { onCleanup }) => {
      const worlds: TestEnvironment[] = [];
      onCleanup(async () => {
        for (const world of worlds.splice(0)) await world.cleanup();
      });
      return async (kind = worldOptions.database ?? 'pglite'): Promise<TestEnvironment> => {
        const world = await createTestEnvironment(kind);
        worlds.push(world);
        return world;
      };
    });
}

/** `onAirTest()`: a PGlite world and a server with the test defaults. */
export const test = onAirTest();
