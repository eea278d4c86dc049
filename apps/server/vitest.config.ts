import { defineConfig } from 'vitest/config';

/** No OnAir server, no database, no slow child process: the `pnpm dev` script's logic. */
const fast = ['test/dev-script.test.ts'];
/**
 * Tests that start further OnAir processes (servers, workers) and kill them, and the simulator's,
 * whose viewers must heartbeat on time: they get the machine to themselves, one file at a time.
 */
const processes = ['test/viewers.realtime.test.ts', 'test/short-video.recovery.test.ts', 'test/simulator.test.ts'];

/**
 * Three projects, run one after the other (groupOrder): `fast` in seconds; `integration`, in-process
 * servers, two files at a time (each file has its own database and REDIS_PREFIX); `processes`, one
 * file at a time, since they measure delivery and heartbeats in real time.
 */
export default defineConfig({
  test: {
    // A file fixture (the file's server) is set up inside the first test that uses it, and hooks start
    // servers and databases: seconds on a quiet machine, over a minute was seen on a 2-core machine
    // loaded far beyond its cores. Backstops, not waits on a condition (those have their own timeouts).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        // Its `pnpm simulate` tests start a server: the migrated snapshot is made for them too.
        test: {
          name: 'fast',
          include: fast,
          globalSetup: ['test/support/global-setup.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          // The chaos and cluster suites run on their own: pnpm test:chaos, pnpm test:cluster.
          exclude: [...fast, ...processes, 'test/chaos/**', 'test/cluster/**'],
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
