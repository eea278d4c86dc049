import type { ViewerStats } from '@onair/api';
import { createOnAirClient } from '@onair/client';
import { afterAll, describe, expect, vi } from 'vitest';
import { onAirTest } from './support/fixtures';
import { freePort, type ServerProcess, spawnServer } from './support/process';
import { operatorToken, type TestEnvironment } from './support/server';
import { liveOnAir } from './support/short-videos';
import { ascending, Recorder, statsOrderOf } from './support/subscriptions';

// PostgreSQL: a second process shares the data (a PGlite directory belongs to one process).
const test = onAirTest({ database: 'postgres' });

describe('viewer.onStats', () => {
  test('starts with the current snapshot, then follows the count', async ({ server }) => {
    const liveId = await liveOnAir(server.operator, 'Real time');
    await server.client.viewer.join.mutate({ liveId, viewerId: 'first' });
    const recorder = new Recorder<ViewerStats>();
    const subscription = server.client.viewer.onStats.subscribe({ liveId }, recorder);
    try {
      const snapshot = await recorder.waitFor(() => true);
      expect(snapshot.data).toMatchObject({ liveId, current: 1, peak: 1, unique: 1 });
      await server.client.viewer.join.mutate({ liveId, viewerId: 'second' });
      const next = await recorder.waitFor((event) => event.data.current === 2);
      expect(statsOrderOf(next.id)).toBeGreaterThan(statsOrderOf(snapshot.id));
    } finally {
      subscription.unsubscribe();
    }
  });

  test('coalesces a burst into at most 12.5 events a second, ending on the latest count', async ({ server }) => {
    const liveId = await liveOnAir(server.operator, 'Real time');
    const recorder = new Recorder<ViewerStats>();
    const subscription = server.client.viewer.onStats.subscribe({ liveId }, recorder);
    try {
      await recorder.waitFor(() => true);
      const started = Date.now();
      await Promise.all(
        Array.from({ length: 500 }, (_, index) =>
          server.client.viewer.join.mutate({ liveId, viewerId: `burst-${index}` }),
        ),
      );
      await recorder.waitFor((event) => event.data.current === 500);
      const seconds = (Date.now() - started) / 1_000;
      // The snapshot, then at most one event per 80 ms (one more: the bucket's burst of 1.5).
      expect(recorder.events.length - 1).toBeLessThanOrEqual(Math.ceil(seconds * 12.5) + 1);
      const versions = recorder.events.map((event) => statsOrderOf(event.id));
      expect(versions).toEqual([...versions].sort(ascending));
      expect(recorder.last?.data.current).toBe(500);
    } finally {
      subscription.unsubscribe();
    }
  });

  test('refuses a malformed liveId with BAD_REQUEST and an unknown live with NOT_FOUND', async ({ server }) => {
    const malformed = new Recorder<ViewerStats>();
    const unknown = new Recorder<ViewerStats>();
    const subscriptions = [
      server.client.viewer.onStats.subscribe({ liveId: 'nope' }, malformed),
      server.client.viewer.onStats.subscribe({ liveId: '00000000-0000-4000-8000-000000000000' }, unknown),
    ];
    try {
      await vi.waitFor(() => expect(malformed.errors).toHaveLength(1));
      await vi.waitFor(() => expect(unknown.errors).toHaveLength(1));
      expect(malformed.errors[0]).toMatchObject({ data: { code: 'BAD_REQUEST', issues: [{ path: 'liveId' }] } });
      expect(unknown.errors[0]).toMatchObject({ data: { code: 'NOT_FOUND' } });
    } finally {
      for (const subscription of subscriptions) subscription.unsubscribe();
    }
  });

  test('releases every listener after 200 subscribe/unsubscribe cycles, 50 at a time', async ({ server }) => {
    const liveId = await liveOnAir(server.operator, 'Real time');
    const before = { hub: server.onair.realtime.counts(), fanout: server.onair.viewers.fanout.counts() };
    for (let batch = 0; batch < 4; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          const recorder = new Recorder<ViewerStats>();
          const subscription = server.client.viewer.onStats.subscribe({ liveId }, recorder);
          await recorder.waitFor(() => true);
          subscription.unsubscribe();
        }),
      );
    }
    await vi.waitFor(
      () => {
        expect(server.onair.viewers.fanout.counts()).toEqual(before.fanout);
        expect(server.onair.realtime.counts()).toEqual(before.hub);
      },
      { timeout: 10_000 },
    );
  });
});

describe('viewer.onStats across server processes', () => {
  let second: ServerProcess | undefined;
  afterAll(() => second?.kill('SIGKILL'));

  const startSecond = async (world: TestEnvironment, port: number) =>
    spawnServer(
      {
        REDIS_PREFIX: world.prefix,
        OPERATOR_TOKEN: operatorToken,
        ...world.database.env,
        WORKER: 'off',
      },
      port,
    );

  // How fast (the fan-out latency) is measured by `pnpm bench`; here, that every join arrives.
  test('shows joins made on one process to a subscriber on another', async ({ server, world }) => {
    second = await startSecond(world, await freePort());
    const liveId = await liveOnAir(server.operator, 'Two processes');
    const recorder = new Recorder<ViewerStats>();
    const subscription = createOnAirClient({ url: second.trpcUrl }).viewer.onStats.subscribe({ liveId }, recorder);
    try {
      await recorder.waitFor(() => true);
      for (let round = 1; round <= 3; round++) {
        await server.client.viewer.join.mutate({ liveId, viewerId: `cross-${round}` });
        await recorder.waitFor((event) => event.data.current === round);
      }
    } finally {
      subscription.unsubscribe();
    }
  });

  test('resumes with lastEventId after a forced disconnect: the latest stats at once, nothing stale', async ({
    server,
    world,
  }) => {
    const port = await freePort();
    await second?.kill('SIGKILL');
    second = await startSecond(world, port);
    const liveId = await liveOnAir(server.operator, 'Resume');
    const recorder = new Recorder<ViewerStats>();
    const subscription = createOnAirClient({ url: second.trpcUrl }).viewer.onStats.subscribe({ liveId }, recorder);
    try {
      await server.client.viewer.join.mutate({ liveId, viewerId: 'before' });
      const seen = await recorder.waitFor((event) => event.data.current === 1);

      // The subscriber's server dies; the audience changes meanwhile; a new process takes the port.
      await second.kill('SIGKILL');
      await Promise.all(['a', 'b', 'c'].map((viewerId) => server.client.viewer.join.mutate({ liveId, viewerId })));
      const countAfterReconnect = recorder.events.length;
      second = await startSecond(world, port);

      const latest = await recorder.waitFor((event) => event.data.current === 4, 15_000);
      // The first event after the reconnect is already the latest state, newer than anything seen before.
      expect(recorder.events[countAfterReconnect]).toBe(latest);
      expect(statsOrderOf(latest.id)).toBeGreaterThan(statsOrderOf(seen.id));
      const versions = recorder.events.map((event) => statsOrderOf(event.id));
      expect(versions).toEqual([...versions].sort(ascending));
    } finally {
      subscription.unsubscribe();
    }
  });
});
