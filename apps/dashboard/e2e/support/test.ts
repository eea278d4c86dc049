import { test as base, expect } from '@playwright/test';

interface ConsoleOptions {
  /** Console errors a test expects (e.g. the browser reporting a refused request it provokes). */
  expectedConsoleErrors: RegExp[];
}

/**
 * Playwright's `test`, where a page fails its test on any browser console error or uncaught
 * exception it did not declare: a dashboard that works but logs errors is not passing.
 */
export const test = base.extend<ConsoleOptions>({
  expectedConsoleErrors: [[], { option: true }],
  page: async ({ page, expectedConsoleErrors }, use) => {
    const problems: string[] = [];
    page.on('console', (message) => {
      const text = message.text();
      if (message.type() === 'error' && !expectedConsoleErrors.some((expected) => expected.test(text))) {
        problems.push(`console error: ${text}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`));
    await use(page);
    expect(problems, 'errors reported by the browser').toEqual([]);
  },
});

export { expect };
