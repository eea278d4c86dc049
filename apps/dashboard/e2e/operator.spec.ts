import { randomUUID } from 'node:crypto';
import { expectNoSeriousA11yViolations } from './support/accessibility';
import { expect, signIn, test } from './support/test';
import { operatorClient } from './support/world';

/** An operator's day beyond the story: finding a live, cancelling one, older videos. */

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
