import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Download, Locator, Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './support/accessibility';
import { expect, test } from './support/test';
import { DASHBOARD_ORIGIN, OPERATOR_TOKEN, operatorClient, setPipelineFailureRate } from './support/world';

/**
 * The whole of OnAir in one story, in a real browser: an operator runs a live, an audience joins and
 * leaves through the typed client, the live ends into a short video that goes through the pipeline,
 * Bull Board shows its job, and a forced failure is retried to READY. Every page visited passes an
 * accessibility check, the browser logs no error (see support/test.ts), and each step leaves a
 * screenshot in test-results/ (the best are kept in docs/screenshots/).
 */

/** The value of one figure in a section's <dl>: the <dd> next to the <dt> with that exact label. */
function figure(scope: Locator, label: string): Locator {
  return scope
    .locator('dl > div')
    .filter({ has: scope.page().locator('dt').getByText(label, { exact: true }) })
    .locator('dd');
}

/** The texts of a video's activity list, in order. */
async function activityOf(videoPanel: Locator): Promise<string[]> {
  return videoPanel.getByRole('list', { name: 'Pipeline activity' }).getByRole('listitem').allTextContents();
}

async function readDownload(download: Download): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A screenshot of the step in test-results/, once no error is shown; with E2E_UPDATE_SCREENSHOTS=1, the README's copy too
 * (docs/screenshots/<docsName>.png), so the pictures there are always what this story saw.
 */
async function snapshot(page: Page, name: string, docsName?: string): Promise<void> {
  // No call of the story failed on the way: the operator's error sentence is not on the page.
  await expect(page.getByRole('alert').filter({ has: page.getByRole('button', { name: 'Dismiss' }) })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath(`${name}.png`) });
  if (docsName && process.env.E2E_UPDATE_SCREENSHOTS === '1') {
    await page.screenshot({
      path: fileURLToPath(new URL(`../../../docs/screenshots/${docsName}.png`, import.meta.url)),
    });
  }
}

/** Every request to an origin other than the dashboard's fails, as it would with no internet access. */
async function blockInternet(page: Page): Promise<void> {
  await page.context().route(
    (url) => url.origin !== DASHBOARD_ORIGIN,
    (route) => route.abort('internetdisconnected'),
  );
}

test('an operator watches a live from its first viewer to its short video, and retries a failed one', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  // No internet, as on an operator's closed network: any request leaving the deployment fails, and
  // the browser would log it as an error (which fails the test, see support/test.ts).
  await blockInternet(page);
  const run = randomUUID().slice(0, 8);
  const title = `Spring sneakers drop ${run}`;
  const client = operatorClient();

  // 1. Sign in.
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
  await expectNoSeriousA11yViolations(page);
  await page.getByLabel('Operator token').fill(OPERATOR_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Lives', level: 1 })).toBeVisible();

  // 2. Create and start a live, then open its page.
  await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: 'Create live' }).click();
  const row = page.getByRole('listitem', { name: title, exact: true });
  await row.getByRole('button', { name: 'Start' }).click();
  await expect(row.getByText('LIVE', { exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await row.getByRole('link', { name: title, exact: true }).click();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  const feed = page.getByRole('status').filter({ hasText: 'Updates:' });
  await expect(feed).toHaveText('Updates: live');
  const liveId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
  // From here on the page never loads again: every number below arrives over its subscriptions.
  let documentLoads = 0;
  page.on('load', () => documentLoads++);

  const audience = page.getByRole('region', { name: 'Audience' });
  const watching = figure(audience, 'Watching now');
  const peak = figure(audience, 'Peak');
  const unique = figure(audience, 'Unique viewers');
  await expect(watching).toHaveText('0');
  await expectNoSeriousA11yViolations(page);

  // 3. Forty viewers join through the typed client, and keep heartbeating (the TTL is 3 s here).
  const viewerIds = Array.from({ length: 40 }, (_, index) => `story-${run}-${index}`);
  const present = new Set(viewerIds);
  const heartbeats = setInterval(() => {
    // A heartbeat lost to a slow moment is made up for by the next one, a second later.
    Promise.all([...present].map((viewerId) => client.viewer.heartbeat.mutate({ liveId, viewerId }))).catch(() => {});
  }, 1_000);
  try {
    const joins = await Promise.all(viewerIds.map((viewerId) => client.viewer.join.mutate({ liveId, viewerId })));
    expect(joins.every((join) => join.joined)).toBe(true);
    await expect(watching).toHaveText('40');
    await expect(peak).toHaveText('40');
    await snapshot(page, '01-live-40-viewers');

    // 4. Fifteen leave; five vanish without a word and expire; the page settles at twenty.
    const leaving = viewerIds.slice(0, 15);
    const vanishing = viewerIds.slice(15, 20);
    for (const viewerId of [...leaving, ...vanishing]) present.delete(viewerId);
    await Promise.all(leaving.map((viewerId) => client.viewer.leave.mutate({ liveId, viewerId })));
    await expect(watching).toHaveText('20', { timeout: 20_000 });
    await expect(peak).toHaveText('40');
    await expect(unique).toHaveText(/^(39|40|41)$/);
    await expect(audience.getByRole('figure')).toContainText('20 watching now, peak 40');
    await snapshot(page, '02-live-settled-at-20', 'live-audience');

    // The audience curve, as a file an operator can open in a spreadsheet.
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      audience.getByRole('button', { name: /^Download CSV/ }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/^audience-spring-sneakers-drop-[0-9a-f]{8}-[0-9a-f]{8}\.csv$/);
    const rows = (await readDownload(csv)).trim().split('\n');
    expect(rows[0]).toBe('time,viewers');
    expect(rows.slice(1).map((row) => row.split(',')[1])).toContain('40');
    expect(rows.at(-1)).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z,20$/);

    // The chart's range: the last five minutes, thirty, or the whole live.
    await audience.getByRole('radio', { name: 'Last 5 min' }).check();
    await expect(audience.getByRole('radio', { name: 'Last 5 min' })).toBeChecked();
  } finally {
    clearInterval(heartbeats);
  }

  // 5. End the live (after confirming): its short video goes PENDING → PROCESSING → READY.
  await page.getByRole('button', { name: `End ${title}` }).click();
  await page
    .getByRole('dialog', { name: `End “${title}”?` })
    .getByRole('button', { name: 'End live' })
    .click();
  await expect(page.getByText('ENDED', { exact: true })).toBeVisible();
  // The live has ended; the page's connection has not: the indicator speaks of updates, not of the live.
  await expect(feed).toHaveText('Updates: live');
  const videoPanel = page.getByRole('region', { name: 'Short video' });
  // Another file runs beside this one and ends lives of its own: this video may wait behind theirs.
  await expect(videoPanel.getByText('PROCESSING', { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(videoPanel.getByRole('progressbar')).toBeVisible();
  await snapshot(page, '03-short-video-processing');
  // A real clip is cut (ffmpeg, from the live's synthetic recording): it takes a while on a busy machine.
  await expect(videoPanel.getByText('READY', { exact: true })).toBeVisible({ timeout: 90_000 });
  // The operator plays it: the clip's metadata loads (through the dashboard's media proxy) and it has a duration.
  const clip = videoPanel.getByLabel(/^Highlight clip of /);
  await expect(clip).toBeVisible();
  await expect
    .poll(() => clip.evaluate((video: HTMLVideoElement) => video.readyState >= HTMLMediaElement.HAVE_METADATA))
    .toBe(true);
  const duration = await clip.evaluate((video: HTMLVideoElement) => video.duration);
  expect(duration).toBeGreaterThan(0);
  expect(Number.isFinite(duration)).toBe(true);
  await clip.evaluate((video: HTMLVideoElement) => {
    video.muted = true;
    return video.play();
  });
  await expect.poll(() => clip.evaluate((video: HTMLVideoElement) => video.currentTime)).toBeGreaterThan(0);
  const poster = await clip.evaluate((video: HTMLVideoElement) => video.poster);
  expect(poster).toMatch(/\/media\/thumbnails\/[0-9a-f-]{36}\.jpg$/);
  expect((await page.request.get(poster)).headers()['content-type']).toBe('image/jpeg');
  await expect(videoPanel.getByRole('link', { name: /^Download/ })).toHaveAttribute('href', /\/media\/clips\/.+\.mp4$/);
  // Every step reached this page, in order, progress included.
  const activity = await activityOf(videoPanel);
  const firstIndex = (pattern: RegExp) => activity.findIndex((entry) => pattern.test(entry));
  expect(firstIndex(/Pending$/), activity.join('\n')).toBeGreaterThanOrEqual(0);
  expect(firstIndex(/Processing · [1-9]\d?%/), activity.join('\n')).toBeGreaterThan(firstIndex(/Pending$/));
  expect(firstIndex(/Ready$/), activity.join('\n')).toBeGreaterThan(firstIndex(/Processing · [1-9]\d?%/));
  await expectNoSeriousA11yViolations(page);
  await snapshot(page, '04-short-video-ready', 'live-short-video-ready');
  expect(documentLoads).toBe(0);

  // After a reload, the video's steps are still listed: they are the server's record, not the page's.
  await page.reload();
  await expect(videoPanel.getByText('READY', { exact: true })).toBeVisible();
  await expect.poll(() => activityOf(videoPanel)).toEqual(activity);

  // 6. A second live with a simulated audience, started from its page.
  const secondTitle = `Evening flash sale ${run}`;
  const second = await client.live.create.mutate({ title: secondTitle });
  await client.live.start.mutate({ id: second.id });
  await page.goto(`/lives/${second.id}`);
  const simulator = page.getByRole('region', { name: 'Simulated viewers' });
  await simulator.getByLabel('Viewers', { exact: true }).fill('30');
  await simulator.getByLabel('Arriving over (seconds)').fill('3');
  await simulator.getByRole('button', { name: 'Start simulated viewers' }).click();
  await expect(simulator.getByRole('button', { name: 'Stop simulated viewers' })).toBeVisible();
  await expect(figure(page.getByRole('region', { name: 'Audience' }), 'Watching now')).toHaveText(/^[1-9]\d*$/);
  await expectNoSeriousA11yViolations(page);
  await snapshot(page, '05-simulated-audience');

  // The overview: both lives, their audiences and the first one's short video.
  await page.getByRole('link', { name: 'Lives', exact: true }).click();
  const secondRow = page.getByRole('listitem', { name: secondTitle, exact: true });
  await expect(secondRow.getByText('LIVE', { exact: true })).toBeVisible();
  const firstRow = page.getByRole('listitem', { name: title, exact: true });
  await expect(firstRow.getByText('READY', { exact: true })).toBeVisible();
  await snapshot(page, '06-overview', 'overview');

  // 7. The pipeline board and its queues, then Bull Board with the completed job.
  await page.getByRole('link', { name: 'Short videos', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Short videos', level: 1 })).toBeVisible();
  const firstVideo = page.getByRole('listitem', { name: `Short video of ${title}` });
  await expect(firstVideo.getByText('READY', { exact: true })).toBeVisible();
  const queues = page.getByRole('region', { name: 'Queues' });
  const shortVideoQueue = queues.getByRole('row', { name: /^short-video/ });
  await expect(shortVideoQueue.getByRole('cell').nth(2)).not.toHaveText('0');
  await expectNoSeriousA11yViolations(page);
  await snapshot(page, '07-pipeline-board', 'pipeline-board');

  const { items } = await client.shortVideo.list.query({ liveId });
  const videoId = items[0]?.id ?? '';
  await queues.getByRole('link', { name: 'Open Bull Board' }).click();
  await expect(page).toHaveURL(/\/admin\/queues\/?$/);
  await page.getByRole('link', { name: 'short-video', exact: true }).first().click();
  await page.getByRole('link', { name: /^completed/i }).click();
  await expect(page.getByRole('link', { name: videoId })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await snapshot(page, '08-bull-board-completed', 'bull-board-completed-job');
  await page.getByRole('link', { name: '← OnAir dashboard' }).click();
  await expect(page.getByRole('heading', { name: 'Lives', level: 1 })).toBeVisible();
  await page.goto('/videos');
  await expect(page.getByRole('heading', { name: 'Short videos', level: 1 })).toBeVisible();

  // 8. A forced failure: the second live ends while every stage fails; its video is FAILED, then retried to READY.
  await setPipelineFailureRate(1);
  try {
    await client.live.end.mutate({ id: second.id });
    await page.getByRole('radio', { name: /^Failed/ }).check();
    await expect(page).toHaveURL(/status=FAILED/);
    const secondVideo = page.getByRole('listitem', { name: `Short video of ${secondTitle}` });
    await expect(secondVideo.getByText('FAILED', { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(secondVideo).toContainText('simulated fault');
    await expectNoSeriousA11yViolations(page);
    await snapshot(page, '09-failed-video', 'pipeline-failed-video');
  } finally {
    await setPipelineFailureRate(null);
  }
  await page.getByRole('radio', { name: /^All/ }).check();
  const retried = page.getByRole('listitem', { name: `Short video of ${secondTitle}` });
  await retried.getByRole('button', { name: /^Retry/ }).click();
  await expect(retried.getByText('READY', { exact: true })).toBeVisible({ timeout: 90_000 });
  await expect(retried.getByLabel(/^Highlight clip of /)).toBeVisible();
  // Who retried it, as on every state change: the shared OPERATOR_TOKEN is named `operator`.
  await expect(retried).toContainText(/Retried by\s*operator/);
  await snapshot(page, '10-retried-to-ready');

  // Its page still tells the failure the retry put behind it, before the run that made it.
  await retried.getByRole('link', { name: secondTitle, exact: true }).click();
  await expect(page.getByRole('heading', { name: secondTitle, level: 1 })).toBeVisible();
  await expect(page.getByText(/ · ended .+ by operator/)).toBeVisible();
  const retriedPanel = page.getByRole('region', { name: 'Short video' });
  await expect(retriedPanel.getByText('READY', { exact: true })).toBeVisible();
  await expect.poll(() => activityOf(retriedPanel)).toContainEqual(expect.stringMatching(/Failed · .*simulated fault/));
  const history = await activityOf(retriedPanel);
  expect(history.findLastIndex((entry) => /Ready$/.test(entry))).toBeGreaterThan(
    history.findIndex((entry) => /^.*Failed · /.test(entry)),
  );
  await expectNoSeriousA11yViolations(page);
  await snapshot(page, '11-retried-video-history', 'live-video-history');
});
