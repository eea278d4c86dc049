import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './support/accessibility';
import { expect, test } from './support/test';
import { OPERATOR_TOKEN, operatorClient } from './support/world';

/** An operator's day beyond the story: finding a live, cancelling one, older videos, a phone. */

async function signIn(page: Page): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Operator token').fill(OPERATOR_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Lives', level: 1 })).toBeVisible();
}

test('an operator finds lives by title (/ goes to the search) and cancels a scheduled one', async ({ page }) => {
  const run = randomUUID().slice(0, 8);
  const client = operatorClient();
  const wanted = await client.live.create.mutate({ title: `Vintage denim ${run}` });
  await client.live.create.mutate({ title: `Garden tools ${run}` });
  await signIn(page);

  await page.locator('body').press('/');
  const search = page.getByRole('searchbox', { name: /^Search lives/ });
  await expect(search).toBeFocused();
  await search.fill(`DENIM ${run}`);
  const lives = page.getByRole('list', { name: 'Lives, newest first' });
  await expect(lives.getByRole('listitem')).toHaveCount(1);
  const row = lives.getByRole('listitem', { name: wanted.title });
  await expect(row).toBeVisible();
  await search.fill(`nothing like this ${run}`);
  await expect(page.getByText(`No live with “nothing like this ${run}” in its title.`)).toBeVisible();
  await search.fill(`denim ${run}`);

  // A scheduled live is cancelled, not "ended": it never went on air.
  await row.getByRole('button', { name: `Cancel ${wanted.title}` }).click();
  const dialog = page.getByRole('dialog', { name: `Cancel “${wanted.title}”?` });
  await expect(dialog).toContainText('never goes on air');
  await dialog.getByRole('button', { name: 'Cancel live' }).click();
  await expect(row.getByText('ENDED', { exact: true })).toBeVisible();
  expect((await client.live.get.query({ id: wanted.id })).startedAt).toBeNull();
  await expectNoSeriousA11yViolations(page);
});

test('the short videos come a page at a time', async ({ page }) => {
  test.setTimeout(120_000);
  const run = randomUUID().slice(0, 8);
  const client = operatorClient();
  // More lives than one page of videos holds (24), each ended after going on air: one video each.
  await Promise.all(
    Array.from({ length: 26 }, async (_, index) => {
      const live = await client.live.create.mutate({ title: `Paged ${run} ${index}` });
      await client.live.start.mutate({ id: live.id });
      await client.live.end.mutate({ id: live.id });
    }),
  );
  await expect
    .poll(async () => (await client.shortVideo.list.query({ limit: 100 })).items.length, { timeout: 30_000 })
    .toBeGreaterThanOrEqual(26);

  await signIn(page);
  await page.goto('/videos');
  const videos = page.getByRole('list', { name: 'Short videos, newest first' }).getByRole('listitem');
  await expect(videos).toHaveCount(24);
  await page.getByRole('button', { name: 'Show older videos' }).click();
  await expect.poll(() => videos.count()).toBeGreaterThan(24);
  await expect(page.getByRole('listitem', { name: `Short video of Paged ${run} 0` })).toBeVisible();
});

test('on a phone, no page is wider than the screen and the queues are cards', async ({ page }) => {
  test.setTimeout(90_000);
  const client = operatorClient();
  const live = await client.live.create.mutate({ title: `Phone check ${randomUUID().slice(0, 8)}` });
  await client.live.start.mutate({ id: live.id });
  await signIn(page);
  await page.setViewportSize({ width: 390, height: 844 });

  for (const path of ['/', '/videos', `/lives/${live.id}`]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
    // Nothing is cut off inside its own box either: every visible table fits the screen.
    const clipped = await page.evaluate(
      () =>
        [...document.querySelectorAll('table')].filter((table) => {
          const box = table.getBoundingClientRect();
          return box.width > 0 && (box.right > window.innerWidth || table.scrollWidth > table.clientWidth);
        }).length,
    );
    expect(clipped, `${path} has a table cut off`).toBe(0);
    await page.screenshot({ path: test.info().outputPath(`phone${path.replaceAll('/', '-')}.png`), fullPage: true });
  }
  await page.goto('/videos');
  const queues = page.getByRole('region', { name: 'Queues' });
  await expect(queues.getByRole('table')).toBeHidden();
  await expect(
    queues.getByRole('list', { name: 'Jobs in each queue, by state' }).getByRole('listitem'),
  ).not.toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
  await client.live.end.mutate({ id: live.id });
});

test('the pages follow the system’s dark scheme and keep their contrast', async ({ page }) => {
  test.setTimeout(90_000);
  const client = operatorClient();
  const live = await client.live.create.mutate({ title: `After dark ${randomUUID().slice(0, 8)}` });
  await client.live.start.mutate({ id: live.id });
  await page.emulateMedia({ colorScheme: 'dark' });
  await signIn(page);
  for (const path of ['/', '/videos', `/lives/${live.id}`, '/admin/queues']) {
    // How long each page takes to open with its data and its feed connected, from the request: recorded
    // (the bar is 3 s), not asserted, since this machine is shared and its load swings widely.
    const started = Date.now();
    await page.goto(path);
    if (path === '/admin/queues') {
      await expect(page.getByRole('link', { name: 'short-video', exact: true }).first()).toBeVisible();
    } else {
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.getByRole('status').filter({ hasText: 'Updates:' })).toHaveText('Updates: live');
    }
    const openedMs = Date.now() - started;
    test.info().annotations.push({ type: 'page opened', description: `${path}: ${openedMs} ms` });
    console.log(`page opened: ${path} in ${openedMs} ms`);
    if (path === '/admin/queues') continue;
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background, `${path} is drawn dark`).toBe('rgb(11, 18, 32)');
    await expectNoSeriousA11yViolations(page);
  }
  await page.screenshot({ path: test.info().outputPath('dark-live.png'), fullPage: true });
  await client.live.end.mutate({ id: live.id });
});
