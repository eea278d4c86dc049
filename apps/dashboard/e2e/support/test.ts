import { test as base, expect, type Page } from '@playwright/test';
import { OPERATOR_TOKEN } from './world';

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

/** Signs in with the shared operator token and waits for the lives board. */
export async function signIn(page: Page): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Operator token').fill(OPERATOR_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Lives', level: 1 })).toBeVisible();
}

export { expect };
