import { defineConfig } from 'vitest/config';

/** Tests on the real Redis and PGlite; every other test is a unit test that runs in milliseconds. */
const integration = ['src/infra/event-bus.test.ts'];

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
          // A file fixture (the PGlite database) is set up inside the first test that uses it.
          testTimeout: 60_000,
        },
      },
    ],
  },
});
