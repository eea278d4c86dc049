import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    // Opening an in-memory PGlite and migrating it takes over 10 s (the default) on a busy 2-core machine.
    hookTimeout: 60_000,
  },
});
