import { expect, test } from './support/test';
import { DASHBOARD_ORIGIN, OPERATOR_TOKEN } from './support/world';

/** What a revoked or expired token looks like from the browser: the cookie is there, the API refuses it. */
const refusedToken = { name: 'onair_operator', value: 'a-token-the-api-no-longer-accepts', url: DASHBOARD_ORIGIN };

test('a refused token on page load leads back to sign-in', async ({ page }) => {
  await page.context().addCookies([refusedToken]);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in\?expired=1$/);
  await expect(page.getByText('Your session ended or the token was revoked. Sign in again.')).toBeVisible();
});

test.describe('when the API refuses a proxied call', () => {
  // The browser itself reports the refused request; that is the point of this test.
  test.use({ expectedConsoleErrors: [/status of 401/] });

  test('the operator is sent back to sign-in and the cookie is dropped', async ({ page }) => {
    await page.goto('/sign-in');
    await page.getByLabel('Operator token').fill(OPERATOR_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Lives', level: 1 })).toBeVisible();

    await page.context().addCookies([refusedToken]);
    await page.getByLabel('Title').fill('Never created');
    await page.getByRole('button', { name: 'Create live' }).click();

    await expect(page).toHaveURL(/\/sign-in\?expired=1$/);
    await expect(page.getByText('Your session ended or the token was revoked. Sign in again.')).toBeVisible();
    expect(await page.context().cookies()).toEqual([]);
  });
});
