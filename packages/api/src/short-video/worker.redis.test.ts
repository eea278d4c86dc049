import { Queue } from 'bullmq';
import { describe, expect, vi } from 'vitest';
import { silentLogger, test } from '../../test/support';
import { queuePrefix } from '../infra/redis';
import { shortVideoQueueName } from './queue';
import { type createShortVideoProcessor, ShortVideoWorker, type ShortVideoWorkerOptions } from './worker';

type RedisClient = ShortVideoWorkerOptions['connection'];

/** A worker and a queue of short videos under the test's prefix, on one connection. */
function workerAndQueue(
  connection: RedisClient,
  prefix: string,
  options: Pick<ShortVideoWorkerOptions, 'processor' | 'waitingJobs'> & Partial<ShortVideoWorkerOptions>,
) {
  const prefixed = queuePrefix(prefix, shortVideoQueueName);
  return {
    worker: new ShortVideoWorker({
      connection,
      prefix: prefixed,
      concurrency: 1,
      lockMs: 5_000,
      logger: silentLogger,
      ...options,
    }),
    queue: new Queue(shortVideoQueueName, { connection, prefix: prefixed }),
  };
}

describe('the short-video worker’s watchdog', () => {
  test('replaces a worker that takes no job while jobs wait; the new one takes them', async ({ redis, prefix }) => {
    const connection = redis.connect();
    const taken: string[] = [];
    const processor = (async (job) => {
      taken.push(job.id ?? '');
      return { status: 'READY', videoUrl: null };
    }) as ReturnType<typeof createShortVideoProcessor>;
    // The queue's own count says nothing waits while the worker takes each job at once: a worker
    // that reports waiting jobs it never takes is what a fetch stuck on a dead connection looks like.
    let reportedWaiting = 0;
    const { worker, queue } = workerAndQueue(connection, prefix, {
      concurrency: 2,
      processor,
      waitingJobs: async () => reportedWaiting,
      restartIfStuckAfterMs: 200,
    });
    worker.start();
    try {
      await queue.add('job', {}, { jobId: 'first' });
      await vi.waitFor(() => expect(taken).toEqual(['first']), { timeout: 10_000 });
      expect(worker.restarts).toBe(0);

      reportedWaiting = 1;
      await vi.waitFor(() => expect(worker.restarts).toBeGreaterThan(0), { timeout: 10_000 });
      reportedWaiting = 0;
      // The new worker takes jobs.
      await queue.add('job', {}, { jobId: 'second' });
      await vi.waitFor(() => expect(taken).toEqual(['first', 'second']), { timeout: 10_000 });
    } finally {
      await worker.stop();
      await queue.close();
    }
  });
});

describe('the short-video worker', () => {
  test('reports a job that ended failed once BullMQ holds it failed, and not the attempts retried before', async ({
    redis,
    prefix,
  }) => {
    const connection = redis.connect();
    const statesSeen: string[] = [];
    const processor = (async () => {
      throw new Error('the stage broke');
    }) as ReturnType<typeof createShortVideoProcessor>;
    const { worker, queue } = workerAndQueue(connection, prefix, {
      processor,
      waitingJobs: async () => 0,
      afterJobFailed: async (id) => statesSeen.push(`${id}:${await queue.getJobState(id)}`),
    });
    worker.start();
    try {
      await queue.add('job', {}, { jobId: 'broken', attempts: 3 });
      await vi.waitFor(() => expect(statesSeen).toEqual(['broken:failed']), { timeout: 10_000 });
      expect(await queue.getJob('broken')).toMatchObject({ attemptsMade: 3 });
    } finally {
      await worker.stop();
      await queue.close();
    }
  });
});
