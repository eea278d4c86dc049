import { defineConfig } from 'vitest/config';
import SlowFilesFirst from './test/support/sequencer';

/** No OnAir server, no database, no slow child process: the deployment files rendered and checked. */
const fast = ['test/deployment.test.ts', 'test/kubernetes.test.ts'];

/**
 * Two projects, one after the other (groupOrder): `fast` in seconds; then `integration`, six files at
 * a time. Each file has its own database and REDIS_PREFIX, so files never see one another; the tests
 * that measure time (heartbeats, delivery, recovery bounds) wait on conditions with bounds that hold
 * on a 2-core machine running six files and the dashboard's browser tests beside them.
 */
export default defineConfig({
  test: {
    // A file fixture (the file's server) is set up inside the first test that uses it, and hooks start
    // servers and databases: seconds on a quiet machine, over a minute was seen on a 2-core machine
    // loaded far beyond its cores. Backstops, not waits on a condition (those have their own timeouts).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    sequence: { sequencer: SlowFilesFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: fast,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          // The chaos and cluster suites run on their own: pnpm test:chaos, pnpm test:cluster.
          exclude: [...fast, 'test/chaos/**', 'test/cluster/**'],
          globalSetup: ['test/support/global-setup.ts'],
          maxWorkers: 6,
          // A worker runs its files on one module cache: each file builds its own servers (registries,
          // loggers, connections) from the modules, and none of them keeps state at module level.
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
