import { TRPCClientError } from '@onair/client';
import { describe, expect } from 'vitest';
import { onAirTest } from './support/fixtures';
import { liveOnAir, waitForVideo } from './support/short-videos';

// Apart from short-video.pipeline.test.ts so the two run side by side: together they were the
// longest file of the run (over two minutes on a busy machine, every video rendered for real).
const test = onAirTest({ env: { SHORT_VIDEO_STAGE_MS: '50' } });

describe('short-video failures and operator retry', () => {
  test('lets an operator force failures at run time (demo controls), then restore the configured rate', async ({
    server,
    isolatedWorld,
  }) => {
    const refused = await server.operator.demo.setFailureRate.mutate({ rate: 1 }).catch((error: unknown) => error);
    expect((refused as TRPCClientError<never>).data).toMatchObject({ code: 'PRECONDITION_FAILED' });

    const demoServer = await (await isolatedWorld()).start({
      ENABLE_SIMULATOR: 'on',
      SHORT_VIDEO_STAGE_MS: '10',
      SHORT_VIDEO_ATTEMPTS: '2',
      SHORT_VIDEO_BACKOFF_MS: '50',
    });
    expect(await demoServer.operator.demo.setFailureRate.mutate({ rate: 1 })).toEqual({ rate: 1 });
    const liveId = await liveOnAir(demoServer.operator, 'Forced failure');
    await demoServer.operator.live.end.mutate({ id: liveId });
    const failed = await waitForVideo(demoServer.client, liveId, (video) => video.status === 'FAILED');
    expect(failed).toMatchObject({ attempts: 2 });
    expect(failed.error).toContain('simulated fault, failure rate 1');

    expect(await demoServer.operator.demo.setFailureRate.mutate({ rate: null })).toEqual({ rate: 0 });
    await demoServer.operator.shortVideo.retry.mutate({ id: failed.id });
    await waitForVideo(demoServer.client, liveId, (video) => video.status === 'READY');
  });

  test('fails after the configured attempts with the error recorded, and a retry at a healthy rate reaches READY', async ({
    isolatedWorld,
  }) => {
    const failing = await isolatedWorld();
    const faulty = await failing.start({
      SHORT_VIDEO_STAGE_MS: '10',
      SHORT_VIDEO_FAILURE_RATE: '1',
      SHORT_VIDEO_ATTEMPTS: '3',
      SHORT_VIDEO_BACKOFF_MS: '100',
    });
    const liveId = await liveOnAir(faulty.operator, 'Unlucky');
    await faulty.operator.live.end.mutate({ id: liveId });
    const failed = await waitForVideo(faulty.client, liveId, (video) => video.status === 'FAILED');
    expect(failed.attempts).toBe(3);
    expect(failed.error).toBe('fetch-recording failed (simulated fault, failure rate 1) (after 3 attempts)');
    expect(failed.progress).toBe(0);
    // BullMQ records the last attempt just after the worker has marked the video FAILED.
    await expect
      .poll(async () => (await faulty.onair.shortVideo.queue.getJob(failed.id))?.attemptsMade, { timeout: 10_000 })
      .toBe(3);
    await faulty.stop();

    // The fault is gone: the operator retries.
    const healthy = await failing.start({ SHORT_VIDEO_STAGE_MS: '10' });
    const retried = await healthy.operator.shortVideo.retry.mutate({ id: failed.id });
    expect(retried).toMatchObject({ id: failed.id, status: 'PENDING', progress: 0, attempts: 0, error: null });
    const ready = await waitForVideo(healthy.client, liveId, (video) => video.status === 'READY');
    expect(ready).toMatchObject({ id: failed.id, attempts: 1, progress: 100, error: null });

    const again = await healthy.operator.shortVideo.retry.mutate({ id: failed.id }).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(TRPCClientError);
    expect((again as TRPCClientError<never>).data).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
    expect((again as TRPCClientError<never>).message).toContain('READY');
    const { status, history } = await healthy.client.shortVideo.get.query({ id: failed.id });
    expect(status).toBe('READY');
    // The retry started the video over, and its history still holds the run that failed.
    const failure = history.findIndex((step) => step.status === 'FAILED');
    expect(history[failure]).toMatchObject({ attempt: 3, error: failed.error });
    expect(history.slice(failure + 1).map((step) => step.status)).toContain('PENDING');
    expect(history.at(-1)).toMatchObject({ status: 'READY', attempt: 1 });
  });
});
