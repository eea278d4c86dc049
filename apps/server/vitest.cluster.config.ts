import { defineConfig } from 'vitest/config';

/**
 * `pnpm test:cluster`: OnAir past one machine, on a Redis Cluster of the tests' own (6 redis-server
 * processes on ports 7101-7106), PgBouncer (6433) and API processes (4101-4103): one file at a time.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
