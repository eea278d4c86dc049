import { defineConfig } from 'vitest/config';

/** Unit tests of the dashboard's own logic (src/**); the browser tests are Playwright's (e2e/). */
export default defineConfig({
  test: { include: ['src/**/*.test.ts'] },
});
