import type { LiveSession, ViewerStats } from '@onair/api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { refusal } from '../support/refusal';
import { createTestEnvironment, type TestEnvironment, type TestServer } from '../support/server';
import { liveOnAir, waitForVideo } from '../support/short-videos';
import { Recorder } from '../support/subscriptions';
import { RedisServer } from './redis-server';
import { TcpProxy } from './tcp-proxy';

/**
 * Redis faults injected for real: a Redis of the test's own, behind a TCP proxy the test cuts, or
 * stopped with SIGSTOP, or restarted without its data. Each fault's invariant and its time bound.
 */
let redis: RedisServer;
let proxy: TcpProxy;
let world: TestEnvironment;
let server: TestServer;

beforeAll(async () => {
  redis = await RedisServer.start();
  proxy = await TcpProxy.start({ host: '127.0.0.1', port: redis.port });
});
afterAll(async () => {
  await proxy.close();
  await redis.stop();
});

async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  world = await createTestEnvironment('pglite');
  server = await world.start({ REDIS_URL: proxy.url, ...env });
  return server;
}
afterEach(async () => {
  proxy.heal();
  redis.resume();
  await world?.cleanup();
});

describe('a live ended while Redis is unreachable', () => {
  it('commits the end, and refuses joins within 5 s of Redis answering again', async () => {
    await startServer();
    const liveId = await liveOnAir(server.operator, 'Partitioned');
    await server.client.viewer.join.mutate({ liveId, viewerId: 'before' });

    proxy.partition();
    const ended = await server.operator.live.end.mutate({ id: liveId });
    expect(ended.status).toBe('ENDED');
    proxy.heal();
    const healedAt = Date.now();

    await vi.waitFor(
      async () => {
        const error = await refusal(server.client.viewer.join.mutate({ liveId, viewerId: `after-${Date.now()}` }));
        expect(error.data?.code).toBe('CONFLICT');
      },
      { timeout: 5_000, interval: 100 },
    );
    expect(Date.now() - healedAt).toBeLessThan(5_000);
    // And it stays refused.
    expect((await refusal(server.client.viewer.join.mutate({ liveId, viewerId: 'later' }))).data?.code).toBe(
      'CONFLICT',
    );
  });
});

describe('Redis losing its data (a restart without persistence)', () => {
  it('shows the truth on open and new streams within 2 s of the next change', async () => {
    await startServer();
    const liveId = await liveOnAir(server.operator, 'Forgotten');
    await Promise.all(['a', 'b', 'c'].map((viewerId) => server.client.viewer.join.mutate({ liveId, viewerId })));
    const stats = new Recorder<ViewerStats>();
    const lives = new Recorder<LiveSession>();
    const statsStream = server.client.viewer.onStats.subscribe({ liveId }, stats);
    const livesStream = server.client.live.onUpdate.subscribe({ id: liveId }, lives);
    try {
      await stats.waitFor((event) => event.data.current === 3);
      await lives.waitFor((event) => event.data.stats.current === 3);

      await redis.restart();
      // The first viewer back (a heartbeat re-joins an expired or forgotten viewer).
      await vi.waitFor(() => server.client.viewer.heartbeat.mutate({ liveId, viewerId: 'a' }), {
        timeout: 10_000,
        interval: 200,
      });
      const changedAt = Date.now();
      await stats.waitFor((event) => event.data.current === 1, 2_000);
      await lives.waitFor((event) => event.data.stats.current === 1, 2_000);
      expect(Date.now() - changedAt).toBeLessThan(2_000);

      const fresh = new Recorder<ViewerStats>();
      const freshStream = server.client.viewer.onStats.subscribe({ liveId }, fresh);
      try {
        expect((await fresh.waitFor(() => true, 2_000)).data.current).toBe(1);
      } finally {
        freshStream.unsubscribe();
      }
    } finally {
      statsStream.unsubscribe();
      livesStream.unsubscribe();
    }
  });

  it('re-creates the jobs of PENDING videos within 10 s of Redis answering again', async () => {
    // No worker: the video waits as PENDING, its job in the queue, when Redis forgets everything.
    await startServer({ WORKER: 'off' });
    const liveId = await liveOnAir(server.operator, 'Waiting for a worker');
    await server.operator.live.end.mutate({ id: liveId });
    const video = await waitForVideo(server.client, liveId, (candidate) => candidate.status === 'PENDING');
    const [queue] = server.onair.queues;
    if (!queue) throw new Error('no short-video queue');
    await vi.waitFor(async () => expect(await queue.getJob(video.id)).toBeDefined(), { timeout: 10_000 });

    await redis.restart();
    const answeringAt = Date.now();
    await vi.waitFor(async () => expect(await queue.getJob(video.id)).toBeDefined(), {
      timeout: 10_000,
      interval: 200,
    });
    expect(Date.now() - answeringAt).toBeLessThan(10_000);
  });
});

describe('a hung Redis (SIGSTOP: connections open, no answers)', () => {
  it('answers callers 503 within 2 s, names Redis in /readyz, and recovers when Redis does', async () => {
    // A command timeout well inside the bound: this machine is shared, and timers can fire late.
    await startServer({ REDIS_COMMAND_TIMEOUT_MS: '500' });
    const liveId = await liveOnAir(server.operator, 'Stalled');
    await server.client.viewer.join.mutate({ liveId, viewerId: 'first' });

    redis.hang();
    const started = Date.now();
    const error = await refusal(server.client.viewer.join.mutate({ liveId, viewerId: 'second' }));
    expect(error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
    expect(error.message).toMatch(/^Redis is unavailable/);
    expect(Date.now() - started).toBeLessThan(2_000);

    const readyStarted = Date.now();
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ redis: 'unreachable', database: 'ok' });
    expect(Date.now() - readyStarted).toBeLessThan(2_000);

    redis.resume();
    await vi.waitFor(() => server.client.viewer.join.mutate({ liveId, viewerId: 'third' }), { timeout: 10_000 });
    // A call that timed out may still have run once Redis woke up (a 503 says "retry", and joins are
    // idempotent): 'second' is counted or not, never twice.
    expect([2, 3]).toContain((await server.client.viewer.stats.query({ liveId })).current);
  });
});
