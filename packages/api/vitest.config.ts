import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    // Databases are created per test (PGlite, migrations): slow on a busy 2-core machine.
    hookTimeout: 60_000,
  },
});
