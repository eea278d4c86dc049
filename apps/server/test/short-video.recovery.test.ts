import { createLogger, createOnAir, eventStreamKey, loadEnv } from '@onair/api';
import { lives, outbox } from '@onair/api/tables';
import { eq, isNull } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { describe, expect } from 'vitest';
import { test } from './support/fixtures';
import { freePort } from './support/process';
import { deleteKeys, redisUrl } from './support/redis';
import { operatorToken } from './support/server';
import { allStages, completedStagesOf, liveOnAir, streamGroup, videosOf, waitForVideo } from './support/short-videos';
import { spawnWorker, workersKilledAfterEach } from './support/worker-process';

// Several processes share the data: PostgreSQL (a PGlite directory belongs to one process).
describe('short-video pipeline through crashes', () => {
  const workers = workersKilledAfterEach();

  test('hands an active job back on SIGTERM, without spending an attempt, for another worker to finish', async ({
    isolatedWorld,
  }) => {
    const world = await isolatedWorld('postgres');
    const api = await world.start({ WORKER: 'off' });
    // Stages far longer than the shutdown grace period: the job cannot finish in time.
    const stopping = await spawnWorker(world, { SHORT_VIDEO_STAGE_MS: '20000' });
    workers.push(stopping);
    const liveId = await liveOnAir(api.operator, 'Handed back');
    await api.operator.live.end.mutate({ id: liveId });
    const processing = await waitForVideo(api.client, liveId, (video) => video.status === 'PROCESSING');

    const started = Date.now();
    expect(await stopping.kill('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const job = await api.onair.shortVideo.queue.getJob(processing.id);
    expect(await job?.getState()).toBe('waiting');
    expect(job?.attemptsMade).toBe(0);

    const metricsPort = await freePort();
    workers.push(await spawnWorker(world, { SHORT_VIDEO_STAGE_MS: '20', WORKER_METRICS_PORT: String(metricsPort) }));
    const ready = await waitForVideo(api.client, liveId, (video) => video.status === 'READY', 60_000);
    expect(await completedStagesOf(api.onair.database.db, ready.id)).toEqual(allStages);
    // The stages ran in that worker process: its own /metrics has them (the attempt is counted once
    // the job returns, a moment after the row turned READY).
    const metrics = () => fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((response) => response.text());
    await expect.poll(metrics).toMatch(/onair_short_video_attempts_count\{status="READY"\} 1/);
    expect(await metrics()).toMatch(
      /onair_short_video_stage_duration_seconds_count\{stage="thumbnail",outcome="ok"\} 1/,
    );
  }, 120_000);

  test('delivers a live.ended committed by a process that died before its relay published it', async ({
    isolatedWorld,
  }) => {
    const world = await isolatedWorld('postgres');
    // A process that ends a live and dies before its relay runs: its outbox row is committed, unpublished.
    const env = loadEnv({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      REDIS_URL: redisUrl,
      REDIS_PREFIX: world.prefix,
      OPERATOR_TOKEN: operatorToken,
      ...world.database.env,
    });
    const doomed = await createOnAir({ env, logger: createLogger(env, 'doomed'), operatorToken });
    const live = await doomed.live.create({ title: 'Ended just before a crash' });
    await doomed.live.start(live.id);
    await doomed.live.end(live.id);
    const unpublished = await doomed.database.db.select().from(outbox).where(isNull(outbox.publishedAt));
    const endedRow = unpublished.find((row) => row.type === 'live.ended');
    expect(endedRow?.payload).toMatchObject({ liveId: live.id });
    await doomed.close();

    const server = await world.start({ SHORT_VIDEO_STAGE_MS: '20', WORKER: 'inline' });
    const ready = await waitForVideo(server.client, live.id, (video) => video.status === 'READY');
    expect(await videosOf(server.client, live.id)).toEqual([ready]);
    // The event itself went through: published, then read and acknowledged by the short-video group.
    const [published] = await server.onair.database.db
      .select()
      .from(outbox)
      .where(eq(outbox.id, endedRow?.id ?? -1));
    expect(published?.publishedAt).not.toBeNull();
    const redis = new Redis(redisUrl);
    try {
      await expect
        .poll(async () => {
          const group = await streamGroup(redis, eventStreamKey(world.prefix), 'short-video');
          return { pending: group.pending, entriesRead: Number(group['entries-read'] ?? 0) > 0 };
        })
        .toEqual({ pending: 0, entriesRead: true });
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  test('re-creates what Redis lost (jobs and events): every video reaches READY, one per live', async ({
    isolatedWorld,
  }) => {
    const world = await isolatedWorld('postgres');
    const api = await world.start({ WORKER: 'off', SHORT_VIDEO_RECONCILE_MS: '1000' });
    const ended: string[] = [];
    for (const title of ['Lost job one', 'Lost job two', 'Lost job three']) {
      const liveId = await liveOnAir(api.operator, title);
      await api.operator.live.end.mutate({ id: liveId });
      ended.push(liveId);
    }
    for (const liveId of ended) await waitForVideo(api.client, liveId, (video) => video.status === 'PENDING');
    // A live whose end never reached the stream (as if its entry was lost before the consumer read it).
    const lostEvent = await liveOnAir(api.operator, 'Lost event');
    await api.onair.database.db
      .update(lives)
      .set({ status: 'ENDED', endedAt: new Date() })
      .where(eq(lives.id, lostEvent));
    ended.push(lostEvent);

    // Redis loses its data: queue, stream, consumer groups and all.
    expect(await deleteKeys(world.prefix)).toBeGreaterThan(0);
    const counts = await api.onair.shortVideo.queue.getJobCounts('waiting', 'active', 'delayed');
    expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0 });

    api.onair.startWorker();
    for (const liveId of ended) {
      const ready = await waitForVideo(api.client, liveId, (video) => video.status === 'READY', 30_000);
      expect(await videosOf(api.client, liveId)).toEqual([ready]);
    }
  }, 90_000);
});
