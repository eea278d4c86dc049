import { defineConfig } from 'vitest/config';

/** Tests on the real Redis and PGlite; every other test is a unit test that runs in milliseconds. */
const integration = [
  'src/infra/event-bus.test.ts',
  'src/viewers/*.redis.test.ts',
  'src/viewers/*.model.test.ts',
  'src/short-video/*.redis.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // File fixtures open PGlite (its initdb takes seconds of CPU, far more on a loaded machine).
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'fast', include: ['src/**/*.test.ts'], exclude: integration } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: integration,
          globalSetup: ['test/global-setup.ts'],
          // The file's PGlite is loaded (WebAssembly compiled, data directory unpacked) inside the
          // first test or hook that uses it: 2 s on a quiet machine, 70 s was seen with six busy loops
          // beside other developers' builds. A backstop, not a wait on a condition.
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
