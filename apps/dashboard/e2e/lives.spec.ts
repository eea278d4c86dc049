import { randomUUID } from 'node:crypto';
import { expect, test } from './support/test';
import { DASHBOARD_ORIGIN, OPERATOR_TOKEN, operatorClient } from './support/world';

test('an operator signs in, runs lives and sees every change arrive without reloading', async ({ page }) => {
  // Titles of this run only, so the test holds on a database that already has lives.
  const run = randomUUID().slice(0, 8);
  const ownTitle = `Spring sneakers drop ${run}`;
  const otherTitle = `Started from another screen ${run}`;
  const requestedOrigins = new Set<string>();
  page.on('request', (request) => requestedOrigins.add(new URL(request.url()).origin));

  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.getByLabel('Operator token').fill(OPERATOR_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page.getByRole('heading', { name: 'Lives', level: 1 })).toBeVisible();
  const feed = page.getByRole('status').filter({ hasText: 'Updates:' });
  await expect(feed).toHaveText('Updates: live');
  // From here on the page must never load again: every change below arrives over the subscription.
  let documentLoads = 0;
  page.on('load', () => documentLoads++);

  await page.getByLabel('Title').fill(ownTitle);
  await page.getByRole('button', { name: 'Create live' }).click();
  const created = page.getByRole('listitem', { name: ownTitle, exact: true });
  await expect(created.getByText('SCHEDULED', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Title')).toHaveValue('');

  await created.getByRole('button', { name: 'Start' }).click();
  await expect(created.getByText('LIVE', { exact: true })).toBeVisible();
  await expect(created.getByRole('button', { name: 'Start' })).toHaveCount(0);

  // Another operator, through the typed client from Node: only the subscription can tell this page.
  const operator = operatorClient();
  const fromNode = await operator.live.create.mutate({ title: otherTitle });
  const fromNodeRow = page.getByRole('listitem', { name: otherTitle, exact: true });
  await expect(fromNodeRow.getByText('SCHEDULED', { exact: true })).toBeVisible();
  await operator.live.start.mutate({ id: fromNode.id });
  await expect(fromNodeRow.getByText('LIVE', { exact: true })).toBeVisible();
  // Newest first: the live created from Node comes before this page's own (other files, running
  // beside this one, create lives too, so neither need be first).
  const order = () =>
    page
      .getByRole('listitem')
      .evaluateAll((items) =>
        items.map((item) => document.getElementById(item.getAttribute('aria-labelledby') ?? '')?.textContent ?? ''),
      );
  await expect
    .poll(async () => {
      const titles = await order();
      return titles.indexOf(otherTitle) >= 0 && titles.indexOf(otherTitle) < titles.indexOf(ownTitle);
    })
    .toBe(true);

  // Ending asks first, and cancelling changes nothing.
  await created.getByRole('button', { name: 'End' }).click();
  const confirmEnd = page.getByRole('dialog', { name: `End “${ownTitle}”?` });
  await confirmEnd.getByRole('button', { name: 'Keep it' }).click();
  await expect(confirmEnd).toBeHidden();
  await expect(created.getByText('LIVE', { exact: true })).toBeVisible();
  await created.getByRole('button', { name: 'End' }).click();
  await confirmEnd.getByRole('button', { name: 'End live' }).click();
  await expect(created.getByText('ENDED', { exact: true })).toBeVisible();
  await expect(created.getByRole('button')).toHaveCount(0);

  expect(documentLoads).toBe(0);
  // For a human look at the layout at desktop and phone widths (kept in test-results/).
  await page.screenshot({ path: test.info().outputPath('lives-desktop.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath('lives-phone.png'), fullPage: true });
  // The browser only ever talked to the dashboard, and the token stayed out of reach of scripts.
  expect([...requestedOrigins]).toEqual([DASHBOARD_ORIGIN]);
  const [session] = await page.context().cookies();
  expect(session).toMatchObject({ value: OPERATOR_TOKEN, httpOnly: true, sameSite: 'Lax' });
  expect(await page.evaluate(() => document.cookie)).not.toContain(OPERATOR_TOKEN);
  expect(await page.evaluate(() => Object.keys(localStorage).length + Object.keys(sessionStorage).length)).toBe(0);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  expect(await page.context().cookies()).toEqual([]);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('a wrong token is refused with a visible message', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('Operator token').fill('not-the-operator-token-000000');
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page.getByText('That token was refused. Check it and try again.')).toBeVisible();
  await expect(page.getByLabel('Operator token')).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/\/sign-in$/);
  expect(await page.context().cookies()).toEqual([]);
});
