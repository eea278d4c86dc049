import { expectNoSeriousA11yViolations } from './support/accessibility';
import { expect, test } from './support/test';
import { DASHBOARD_ORIGIN, OPERATOR_TOKEN, operatorClient } from './support/world';

test('Bull Board through the dashboard: nothing from outside, every page accessible, and a way back', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const outside: string[] = [];
  // No internet: a request leaving the deployment fails (and would be logged as an error).
  await page.context().route(
    (url) => url.origin !== DASHBOARD_ORIGIN,
    (route) => {
      outside.push(route.request().url());
      return route.abort('internetdisconnected');
    },
  );
  const client = operatorClient();
  const live = await client.live.create.mutate({ title: 'Seen in Bull Board' });
  await client.live.start.mutate({ id: live.id });
  await client.live.end.mutate({ id: live.id });
  await expect
    .poll(async () => (await client.shortVideo.list.query({ liveId: live.id })).items[0]?.status, { timeout: 30_000 })
    .toBe('READY');

  await page.goto('/sign-in');
  await page.getByLabel('Operator token').fill(OPERATOR_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Lives', level: 1 })).toBeVisible();

  await page.goto('/admin/queues');
  await expect(page.getByRole('link', { name: 'short-video', exact: true }).first()).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('link', { name: 'short-video', exact: true }).first().click();
  await page.getByRole('link', { name: /^completed/i }).click();
  const [video] = (await client.shortVideo.list.query({ liveId: live.id })).items;
  await expect(page.getByRole('link', { name: video?.id ?? 'no video' })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await page.getByRole('link', { name: '← OnAir dashboard' }).click();
  await expect(page.getByRole('heading', { name: 'Lives', level: 1 })).toBeVisible();
  expect(outside).toEqual([]);
});
