import { defineConfig } from 'vitest/config';

/** `pnpm test:chaos`: faults injected into real processes (a Redis of the tests' own, OnAir processes). */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
