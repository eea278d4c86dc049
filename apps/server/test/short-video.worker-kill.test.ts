import { describe, expect } from 'vitest';
import { test } from './support/fixtures';
import { probe } from './support/recordings';
import { allStages, backdateStart, completedStagesOf, liveOnAir, videosOf, waitForVideo } from './support/short-videos';
import { spawnWorker, workersKilledAfterEach } from './support/worker-process';

// The longest of the crash tests (two worker processes, a render and a half), in a file of its own so
// it runs beside the others (short-video.recovery.test.ts) instead of after them.
describe('short-video pipeline through a worker killed mid-render', () => {
  const workers = workersKilledAfterEach();

  test('finishes the clip of a worker killed with -9 mid-render in another worker: one READY video, no partial file served', async ({
    isolatedWorld,
  }) => {
    const world = await isolatedWorld('postgres');
    const api = await world.start({ WORKER: 'off' });
    // A short lock so the job is recovered within seconds.
    const workerEnv = { SHORT_VIDEO_LOCK_MS: '2000', WORKER_CONCURRENCY: '2' };
    const doomed = await spawnWorker(world, workerEnv);
    workers.push(doomed);
    const liveId = await liveOnAir(api.operator, 'Killed mid-render');
    // A 20-second live: its render lasts long enough to be caught in the middle.
    await backdateStart(api.onair.database.db, liveId, 20);
    await api.operator.live.end.mutate({ id: liveId });

    // Past the render's start (50%), as ffmpeg reports its progress.
    const midway = await waitForVideo(
      api.client,
      liveId,
      (video) => video.status === 'PROCESSING' && video.stage === 'render' && video.progress > 50,
    );
    expect(await doomed.kill('SIGKILL')).toBeNull();
    // What the killed ffmpeg was writing is no clip: nothing is served under the video's name.
    expect((await fetch(`${api.url}/media/clips/${midway.id}.mp4`)).status).toBe(404);
    const survivor = await spawnWorker(world, workerEnv);
    workers.push(survivor);

    const ready = await waitForVideo(api.client, liveId, (video) => video.status === 'READY', 90_000);
    expect(ready).toMatchObject({ id: midway.id, progress: 100, error: null });
    // The recovered run is (at least) the job's second start.
    expect(ready.attempts).toBeGreaterThanOrEqual(2);
    expect(await videosOf(api.client, liveId)).toHaveLength(1);
    expect(await completedStagesOf(api.onair.database.db, ready.id)).toEqual(allStages);
    const clip = await probe(`${api.url}${ready.videoUrl}`);
    expect(Math.abs(clip.durationSec - (ready.durationSec ?? 0))).toBeLessThanOrEqual(0.5);
    expect(await survivor.kill('SIGTERM')).toBe(0);
  }, 180_000);
});
