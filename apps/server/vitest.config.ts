import { defineConfig } from 'vitest/config';

/** No OnAir server and no database: the `pnpm dev` script's logic and the deployment files. */
const fast = ['test/dev-script.test.ts', 'test/deployment.test.ts'];
/** Tests that start further OnAir processes (servers, workers) and kill them. */
const processes = ['test/viewers.realtime.test.ts', 'test/short-video.recovery.test.ts'];

/**
 * Three projects, run one after the other (groupOrder): `fast` in seconds; `integration`, in-process
 * servers, two files at a time (each file has its own database and REDIS_PREFIX); `processes`, one
 * file at a time, since they measure cross-process delivery in real time.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    // Hooks and file fixtures start servers and databases: on a loaded 2-core machine that takes seconds.
    hookTimeout: 60_000,
    teardownTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'fast', include: fast, sequence: { groupOrder: 0 } } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          exclude: [...fast, ...processes],
          globalSetup: ['test/support/global-setup.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'processes',
          include: processes,
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
