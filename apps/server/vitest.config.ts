import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // The chaos suite runs on its own: pnpm test:chaos.
    exclude: ['test/chaos/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The integration tests measure real-time behaviour on a 2-core machine: one file at a time.
    fileParallelism: false,
  },
});
