import { test as base, expect } from '@playwright/test';

/**
 * Playwright's `test`, where a page fails its test on any browser console error or uncaught
 * exception: a dashboard that works but logs errors is not passing.
 */
export const test = base.extend({
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`));
    await use(page);
    expect(problems, 'errors reported by the browser').toEqual([]);
  },
});

export { expect };
