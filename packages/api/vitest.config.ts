import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    // Setup opens PGlite (WebAssembly) and Redis; on a busy 2-core machine that outlasts the 10 s default.
    hookTimeout: 60_000,
  },
});
