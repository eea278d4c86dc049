import { createOnAirClient } from '@onair/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort, type ServerProcess, spawnServer } from '../support/process';
import { redisUrl } from '../support/redis';
import { createTestEnvironment, operatorToken, type TestEnvironment } from '../support/server';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';

/** Invariant 3 under the worst timing: the API dies with -9 while 200 lives end at once. */
describe('kill -9 of the API during 200 concurrent ends', () => {
  let world: TestEnvironment | undefined;
  const processes: (ServerProcess | WorkerProcess)[] = [];
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((process) => process.kill('SIGKILL')));
    await world?.cleanup();
  });

  it('ends with exactly one READY short video per live', async () => {
    world = await createTestEnvironment('postgres');
    const env = {
      REDIS_URL: redisUrl,
      REDIS_PREFIX: world.prefix,
      OPERATOR_TOKEN: operatorToken,
      SHORT_VIDEO_STAGE_MS: '5',
      WORKER_CONCURRENCY: '16',
      ...world.database.env,
    };
    const first = await spawnServer(env, await freePort());
    processes.push(first);
    const operator = createOnAirClient({ url: first.trpcUrl, token: operatorToken });
    const ids: string[] = [];
    for (let index = 0; index < 200; index += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, (_, offset) => operator.live.create.mutate({ title: `Live ${index + offset}` })),
      );
      await Promise.all(batch.map((live) => operator.live.start.mutate({ id: live.id })));
      ids.push(...batch.map((live) => live.id));
    }

    // 200 ends in flight; the process dies as the first answers arrive.
    const ends = ids.map((id) =>
      operator.live.end.mutate({ id }).then(
        () => true,
        () => false,
      ),
    );
    await Promise.race(ends);
    await first.kill('SIGKILL');
    const answered = (await Promise.all(ends)).filter(Boolean).length;
    expect(answered).toBeLessThan(200);

    // Another instance and a worker take over; the operator retries what got no answer.
    const second = await spawnServer(env, await freePort());
    processes.push(second, await spawnWorker(world, { SHORT_VIDEO_STAGE_MS: '5', WORKER_CONCURRENCY: '16' }));
    const retrying = createOnAirClient({ url: second.trpcUrl, token: operatorToken });
    for (let index = 0; index < ids.length; index += 50) {
      await Promise.all(ids.slice(index, index + 50).map((id) => retrying.live.end.mutate({ id })));
    }

    await vi.waitFor(
      async () => {
        const ready = await retrying.shortVideo.list.query({ status: 'READY', limit: 100 });
        let count = ready.items.length;
        let cursor = ready.nextCursor;
        while (cursor) {
          const page = await retrying.shortVideo.list.query({ status: 'READY', limit: 100, cursor });
          count += page.items.length;
          cursor = page.nextCursor;
        }
        expect(count).toBe(200);
      },
      { timeout: 90_000, interval: 1_000 },
    );
    const all = await retrying.shortVideo.list.query({ limit: 100 });
    const second100 = all.nextCursor
      ? await retrying.shortVideo.list.query({ limit: 100, cursor: all.nextCursor })
      : { items: [], nextCursor: null };
    const liveIds = [...all.items, ...second100.items].map((video) => video.liveId);
    expect(second100.nextCursor).toBeNull();
    expect(new Set(liveIds)).toEqual(new Set(ids));
    expect(liveIds).toHaveLength(200);
  }, 240_000);
});
