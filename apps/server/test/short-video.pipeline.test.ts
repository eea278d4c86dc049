import { eventStreamKey, type ShortVideo } from '@onair/api';
import { shortVideos } from '@onair/api/tables';
import { TRPCClientError } from '@onair/client';
import { Redis } from 'ioredis';
import { describe, expect } from 'vitest';
import { onAirTest } from './support/fixtures';
import { redisUrl } from './support/redis';
import { operatorToken } from './support/server';
import {
  allStages,
  backdateStart,
  completedStagesOf,
  liveOnAir,
  streamGroup,
  videosOf,
  waitForVideo,
} from './support/short-videos';
import { Recorder } from './support/subscriptions';

const test = onAirTest({ env: { SHORT_VIDEO_STAGE_MS: '50' } });

describe('short-video pipeline', () => {
  test('makes exactly one short video of an ended live: PENDING → PROCESSING → READY, the highlight around the peak', async ({
    server,
  }) => {
    const title = 'Spring <sneaker> drop & "friends"';
    const liveId = await liveOnAir(server.operator, title);
    // A 40-second live (a synthetic recording as long) whose audience peaks 20 s in.
    const startedAt = await backdateStart(server.onair.database.db, liveId, 40);
    const at = (second: number) => new Date(startedAt.getTime() + second * 1000).toISOString();
    const timeline = [
      { at: at(2), count: 12 },
      { at: at(15), count: 300 },
      { at: at(20), count: 1_250 },
      { at: at(24), count: 400 },
      { at: at(30), count: 20 },
    ];
    server.onair.shortVideo.viewerTimeline = async (id) => (id === liveId ? timeline : []);

    const recorder = new Recorder<ShortVideo>();
    const subscription = server.client.shortVideo.onUpdate.subscribe({ liveId }, recorder);
    try {
      await expect.poll(() => server.onair.realtime.counts().listeners, { timeout: 5_000 }).toBeGreaterThan(0);
      await server.operator.live.end.mutate({ id: liveId });
      const ready = await recorder.waitFor((event) => event.data.status === 'READY', 120_000);

      const statuses = recorder.events.map((event) => event.data.status).filter((s, i, all) => s !== all[i - 1]);
      expect(statuses).toEqual(['PENDING', 'PROCESSING', 'READY']);
      const progress = recorder.events.map((event) => event.data.progress);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.at(-1)).toBe(100);
      const stages = recorder.events.map((event) => event.data.stage).filter((stage) => stage !== null);
      expect(new Set(stages)).toEqual(new Set(allStages));
      const ids = recorder.events.map((event) => Number(event.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));

      expect(ready.data).toMatchObject({
        liveId,
        status: 'READY',
        progress: 100,
        stage: null,
        attempts: 1,
        error: null,
      });
      const { highlight } = ready.data;
      expect(highlight).not.toBeNull();
      expect(highlight?.startSec).toBeLessThanOrEqual(20);
      expect(highlight?.endSec).toBeGreaterThanOrEqual(20);
      expect(ready.data.durationSec).toBe(30);
      expect(ready.data.videoUrl).toBe(`/media/clips/${ready.data.id}.mp4`);
      expect(ready.data.thumbnailUrl).toBe(`/media/thumbnails/${ready.data.id}.jpg`);
      // Progress moved during the render, as ffmpeg reported it, not only from stage to stage.
      expect(progress.some((value) => value > 50 && value < 75)).toBe(true);

      const clip = await fetch(`${server.url}${ready.data.videoUrl}`);
      expect(clip.status).toBe(200);
      expect(clip.headers.get('content-type')).toBe('video/mp4');
      const thumbnail = await fetch(`${server.url}${ready.data.thumbnailUrl}`);
      expect(thumbnail.status).toBe(200);
      expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');

      expect(await videosOf(server.client, liveId)).toEqual([ready.data]);
      // Its history is every step it went through, kept by the database: what a reload shows.
      const { history, ...video } = await server.client.shortVideo.get.query({ id: ready.data.id });
      expect(video).toEqual(ready.data);
      const stepped = history.map((step) => step.status).filter((s, i, all) => s !== all[i - 1]);
      expect(stepped).toEqual(['PENDING', 'PROCESSING', 'READY']);
      expect(new Set(history.map((step) => step.stage).filter((stage) => stage !== null))).toEqual(new Set(allStages));
      expect(history.at(-1)).toMatchObject({ status: 'READY', progress: 100, attempt: 1, error: null });
      expect(await completedStagesOf(server.onair.database.db, ready.data.id)).toEqual(allStages);
    } finally {
      subscription.unsubscribe();
    }
  });

  test('makes none for a live cancelled before it went on air, and one however often a live ends', async ({
    server,
    world,
  }) => {
    const cancelled = await server.operator.live.create.mutate({ title: 'Never aired' });
    await server.operator.live.end.mutate({ id: cancelled.id });

    const liveId = await liveOnAir(server.operator, 'Ends more than once');
    await server.operator.live.end.mutate({ id: liveId });
    await server.operator.live.end.mutate({ id: liveId });
    const ready = await waitForVideo(server.client, liveId, (video) => video.status === 'READY');

    // `live.ended` delivered again and again: still one video, still READY.
    const session = await server.client.live.get.query({ id: liveId });
    const event = {
      liveId,
      title: session.title,
      startedAt: session.startedAt ?? '',
      endedAt: session.endedAt ?? '',
    };
    // Three more deliveries through the event stream, as an at-least-once relay may make them.
    const redis = new Redis(redisUrl);
    try {
      for (let delivery = 0; delivery < 3; delivery++) {
        await redis.xadd(
          eventStreamKey(world.prefix),
          '*',
          'type',
          'live.ended',
          'payload',
          JSON.stringify(event),
          'outboxId',
          '0',
        );
      }
      await expect
        .poll(async () => {
          const group = await streamGroup(redis, eventStreamKey(world.prefix), 'short-video');
          return { pending: group.pending, lag: group.lag };
        })
        .toEqual({ pending: 0, lag: 0 });
    } finally {
      redis.disconnect();
    }
    // And straight to the handler, twice at once.
    await Promise.all([server.onair.shortVideo.onLiveEnded(event), server.onair.shortVideo.onLiveEnded(event)]);
    // And as the reconciler would: nothing is missing.
    expect(await server.onair.reconcileShortVideos()).toEqual({ created: 0, enqueued: 0, requeued: 0, failed: 0 });

    expect(await videosOf(server.client, liveId)).toEqual([ready]);
    expect(await videosOf(server.client, cancelled.id)).toEqual([]);
    const rows = await server.onair.database.db.select({ liveId: shortVideos.liveId }).from(shortVideos);
    expect(rows.filter((row) => row.liveId === cancelled.id)).toEqual([]);
  });

  test('lists newest first with a cursor, filters by status, and follows every live from a lastEventId', async ({
    server,
  }) => {
    const first = await liveOnAir(server.operator, 'Paged one');
    const second = await liveOnAir(server.operator, 'Paged two');
    await server.operator.live.end.mutate({ id: first });
    const firstVideo = await waitForVideo(server.client, first, (video) => video.status === 'READY');
    await server.operator.live.end.mutate({ id: second });
    const secondVideo = await waitForVideo(server.client, second, (video) => video.status === 'READY');

    const page = await server.client.shortVideo.list.query({ limit: 1 });
    expect(page.items.map((video) => video.id)).toEqual([secondVideo.id]);
    expect(page.nextCursor).not.toBeNull();
    const next = await server.client.shortVideo.list.query({ limit: 1, cursor: page.nextCursor });
    expect(next.items.map((video) => video.id)).toEqual([firstVideo.id]);
    const ready = await server.client.shortVideo.list.query({ status: 'READY', limit: 100 });
    expect(ready.items.every((video) => video.status === 'READY')).toBe(true);
    expect((await server.client.shortVideo.list.query({ status: 'FAILED' })).items).toEqual([]);

    // Resuming from before the first video's last change replays both videos' later changes.
    const recorder = new Recorder<ShortVideo>();
    const subscription = server.client.shortVideo.onUpdate.subscribe({ lastEventId: '0' }, recorder);
    try {
      await recorder.waitFor((event) => event.data.id === secondVideo.id && event.data.status === 'READY');
      expect(recorder.events.some((event) => event.data.id === firstVideo.id && event.data.status === 'READY')).toBe(
        true,
      );
    } finally {
      subscription.unsubscribe();
    }
  });

  test('answers bad input with BAD_REQUEST naming the field, unknown ids with NOT_FOUND', async ({ server }) => {
    const refusal = async (call: Promise<unknown>) => {
      const error = await call.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(TRPCClientError);
      return error as TRPCClientError<never>;
    };
    const badId = await refusal(server.client.shortVideo.get.query({ id: 'nope' }));
    expect(badId.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(badId.message).toContain('id');
    const badLimit = await refusal(server.client.shortVideo.list.query({ limit: 500 }));
    expect(badLimit.message).toContain('limit');
    const badCursor = await refusal(server.client.shortVideo.list.query({ cursor: 'garbage' }));
    expect(badCursor.message).toContain('cursor');
    const unknown = await refusal(server.client.shortVideo.get.query({ id: '00000000-0000-4000-8000-000000000000' }));
    expect(unknown.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    const anonymousRetry = await refusal(
      server.client.shortVideo.retry.mutate({ id: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(anonymousRetry.data).toMatchObject({ code: 'UNAUTHORIZED' });
    const unknownRetry = await refusal(
      server.operator.shortVideo.retry.mutate({ id: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(unknownRetry.data).toMatchObject({ code: 'NOT_FOUND' });
    const missingThumbnail = await fetch(`${server.url}/media/thumbnails/00000000-0000-4000-8000-000000000000.jpg`);
    expect(missingThumbnail.status).toBe(404);
    expect((await fetch(`${server.url}/media/clips/00000000-0000-4000-8000-000000000000.mp4`)).status).toBe(404);
    expect((await fetch(`${server.url}/media/thumbnails/..%2F..%2Foperator-token`)).status).toBe(404);
  });

  test('fails a video whose input can never work at once, without retries', async ({ server }) => {
    const liveId = await liveOnAir(server.operator, 'Zero-length recording');
    await server.operator.live.end.mutate({ id: liveId });
    await waitForVideo(server.client, liveId, (video) => video.status === 'READY');
    // A video whose recording ends when it starts (as a corrupt row would be), long left without a job:
    // the reconciler enqueues it.
    const now = new Date(Date.now() - 3_600_000);
    const [row] = await server.onair.database.db
      .insert(shortVideos)
      .values({
        liveId: '11111111-1111-4111-8111-111111111111',
        liveTitle: 'Broken',
        liveStartedAt: now,
        liveEndedAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new Error('insert returned nothing');
    const report = await server.onair.reconcileShortVideos();
    expect(report.enqueued).toBe(1);
    const failed = await waitForVideo(server.client, row.liveId, (video) => video.status === 'FAILED');
    expect(failed.attempts).toBe(1);
    expect(failed.error).toMatch(/^Invalid input: live .* has no recording/);
    // BullMQ moves the job to failed just after the worker has marked the video FAILED.
    await expect
      .poll(
        async () => {
          const job = await server.onair.shortVideo.queue.getJob(row.id);
          return { attemptsMade: job?.attemptsMade, state: await job?.getState() };
        },
        { timeout: 10_000 },
      )
      .toEqual({ attemptsMade: 1, state: 'failed' });
  });

  test('serves Bull Board to the operator only, with the short-video queue', async ({ server }) => {
    expect((await fetch(`${server.url}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${server.url}/admin/queues/api/queues`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/admin/queues`, {
      headers: { authorization: 'Bearer not-the-token-at-all' },
    });
    expect(wrong.status).toBe(401);

    const authorization = `Bearer ${operatorToken}`;
    const page = await fetch(`${server.url}/admin/queues`, { headers: { authorization } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<base href="/admin/queues/"');
    const queues = (await (
      await fetch(`${server.url}/admin/queues/api/queues`, { headers: { authorization } })
    ).json()) as {
      queues: { name: string; counts: Record<string, number> }[];
    };
    const shortVideoQueue = queues.queues.find((queue) => queue.name === 'short-video');
    expect(shortVideoQueue?.counts.completed).toBeGreaterThan(0);
  });

  test('reports queue depth, stage durations, attempts and the outbox lag in /metrics', async ({ server }) => {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/onair_queue_jobs\{queue="short-video",state="completed"\} [1-9]/);
    expect(metrics).toMatch(/onair_queue_jobs\{queue="short-video",state="waiting"\} 0/);
    expect(metrics).toMatch(/onair_short_video_stage_duration_seconds_count\{stage="render",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/onair_short_video_attempts_count\{status="READY"\} [1-9]/);
    expect(metrics).toMatch(/onair_outbox_lag_seconds \d/);
  });
});
