import type { ViewerStats } from '@onair/api';
import { viewerSummaries } from '@onair/api/tables';
import { eq } from 'drizzle-orm';
import { describe, expect, vi } from 'vitest';
import { onAirTest } from './support/fixtures';
import { refusal } from './support/refusal';
import { liveOnAir } from './support/short-videos';
import { Recorder } from './support/subscriptions';

const test = onAirTest({ env: { VIEWER_TTL_MS: '1500' } });

function metricValue(metrics: string, name: string): number {
  const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1];
  expect(value, `${name} in /metrics`).toBeDefined();
  return Number(value);
}

describe('viewer presence', () => {
  test('counts a viewer once under 1,000 concurrent joins', async ({ server }) => {
    const liveId = await liveOnAir(server.operator, 'On air');
    const results = await Promise.all(
      Array.from({ length: 1_000 }, () => server.client.viewer.join.mutate({ liveId, viewerId: 'same-viewer' })),
    );
    expect(results.filter((result) => result.joined)).toHaveLength(1);
    expect(await server.client.viewer.stats.query({ liveId })).toMatchObject({ current: 1, peak: 1, unique: 1 });
  });

  test('ends at 0, never below, when 200 viewers join and leave 3 times each, interleaved', async ({ server }) => {
    const liveId = await liveOnAir(server.operator, 'On air');
    const viewers = Array.from({ length: 200 }, (_, index) => `viewer-${index}`);
    const observed: number[] = [];
    let done = false;
    const sampler = (async () => {
      while (!done) {
        observed.push((await server.client.viewer.stats.query({ liveId })).current);
      }
    })();
    await Promise.all(
      viewers.map(async (viewerId) => {
        for (let round = 0; round < 3; round++) {
          await Promise.all([
            server.client.viewer.join.mutate({ liveId, viewerId }),
            server.client.viewer.join.mutate({ liveId, viewerId }),
          ]);
          await server.client.viewer.leave.mutate({ liveId, viewerId });
        }
      }),
    );
    done = true;
    await sampler;
    const stats = await server.client.viewer.stats.query({ liveId });
    expect(stats.current).toBe(0);
    expect(Math.min(...observed)).toBeGreaterThanOrEqual(0);
    expect(observed.length).toBeGreaterThan(0);
    expect(stats.peak).toBeLessThanOrEqual(200);
    expect(stats.peak).toBeGreaterThan(0);
    expect(Math.abs(stats.unique - 200)).toBeLessThanOrEqual(4);
  });

  test('expires silent viewers within the TTL plus one sweep, without a leave, and ignores their late leave', async ({
    server,
  }) => {
    const liveId = await liveOnAir(server.operator, 'On air');
    const viewers = Array.from({ length: 50 }, (_, index) => `v${index}`);
    await Promise.all(viewers.map((viewerId) => server.client.viewer.join.mutate({ liveId, viewerId })));
    expect((await server.client.viewer.stats.query({ liveId })).current).toBe(50);

    const expiriesBefore = metricValue(
      await (await fetch(`${server.url}/metrics`)).text(),
      'onair_viewer_expiries_total',
    );
    const keepers = viewers.slice(0, 20);
    const silent = viewers.slice(20);
    const started = Date.now();
    const heartbeats = setInterval(() => {
      for (const viewerId of keepers) void server.client.viewer.heartbeat.mutate({ liveId, viewerId });
    }, 400);
    try {
      await vi.waitFor(async () => expect((await server.client.viewer.stats.query({ liveId })).current).toBe(20), {
        timeout: 5_000,
        interval: 50,
      });
      // TTL (1.5 s) plus one sweep period (300 ms), with room for a loaded machine.
      expect(Date.now() - started).toBeLessThan(1_500 + 300 + 1_000);
      const late = await server.client.viewer.leave.mutate({ liveId, viewerId: silent[0] as string });
      expect(late.left).toBe(false);
      expect(late.stats.current).toBe(20);
      // Kept viewers stay well past the TTL.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect((await server.client.viewer.stats.query({ liveId })).current).toBe(20);
    } finally {
      clearInterval(heartbeats);
    }
    expect((await server.client.viewer.stats.query({ liveId })).peak).toBe(50);
    const expiriesAfter = metricValue(
      await (await fetch(`${server.url}/metrics`)).text(),
      'onair_viewer_expiries_total',
    );
    // At least these 30 (viewers left behind by other tests on this server expire too).
    expect(expiriesAfter - expiriesBefore).toBeGreaterThanOrEqual(30);
  });

  test('lets an expired viewer that is still watching come back with a heartbeat', async ({ server }) => {
    const liveId = await liveOnAir(server.operator, 'On air');
    await server.client.viewer.join.mutate({ liveId, viewerId: 'sleepy' });
    await vi.waitFor(async () => expect((await server.client.viewer.stats.query({ liveId })).current).toBe(0), {
      timeout: 5_000,
      interval: 100,
    });
    const back = await server.client.viewer.heartbeat.mutate({ liveId, viewerId: 'sleepy' });
    expect(back.stats).toMatchObject({ current: 1, unique: 1 });
  });

  test('refuses joins before the start and after the end with CONFLICT, and a leave after the end changes nothing', async ({
    server,
  }) => {
    const live = await server.operator.live.create.mutate({ title: 'Not yet' });
    const early = await refusal(server.client.viewer.join.mutate({ liveId: live.id, viewerId: 'eager' }));
    expect(early.data).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
    await refusal(server.client.viewer.heartbeat.mutate({ liveId: live.id, viewerId: 'eager' }));

    await server.operator.live.start.mutate({ id: live.id });
    await server.client.viewer.join.mutate({ liveId: live.id, viewerId: 'fan' });
    await server.client.viewer.join.mutate({ liveId: live.id, viewerId: 'other-fan' });
    await server.operator.live.end.mutate({ id: live.id });

    const late = await refusal(server.client.viewer.join.mutate({ liveId: live.id, viewerId: 'late' }));
    expect(late.data).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
    const leave = await server.client.viewer.leave.mutate({ liveId: live.id, viewerId: 'fan' });
    expect(leave.left).toBe(false);
    // The end froze the audience into the database: peak and unique stay, nobody is watching.
    await vi.waitFor(
      async () => {
        const [summary] = await server.onair.database.db
          .select()
          .from(viewerSummaries)
          .where(eq(viewerSummaries.liveId, live.id));
        expect(summary).toMatchObject({ peak: 2, unique: 2 });
        expect(summary?.timeline.at(-1)?.count).toBe(2);
      },
      { timeout: 5_000 },
    );
    expect(await server.client.viewer.stats.query({ liveId: live.id })).toMatchObject({
      current: 0,
      peak: 2,
      unique: 2,
    });
    expect((await server.client.live.get.query({ id: live.id })).stats).toMatchObject({ current: 0, peak: 2 });
  });

  test.for<[string, string]>([
    ['empty', ''],
    ['65 characters', 'x'.repeat(65)],
    ['spaces', 'has spaces'],
  ])(
    'answers BAD_REQUEST naming viewerId for a %s viewerId, for join, heartbeat and leave',
    async ([, viewerId], { server }) => {
      const liveId = await liveOnAir(server.operator, 'On air');
      const errors = await Promise.all(
        [
          server.client.viewer.join.mutate({ liveId, viewerId }),
          server.client.viewer.heartbeat.mutate({ liveId, viewerId }),
          server.client.viewer.leave.mutate({ liveId, viewerId }),
        ].map(refusal),
      );
      for (const error of errors) {
        expect(error.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
        expect(new Set(error.data?.issues?.map((issue) => issue.path))).toEqual(new Set(['viewerId']));
        expect(error.message).toMatch(/^viewerId: /);
      }
      expect((await server.client.viewer.stats.query({ liveId })).current).toBe(0);
    },
  );

  test('answers NOT_FOUND for an unknown live', async ({ server }) => {
    const liveId = '00000000-0000-4000-8000-000000000000';
    const error = await refusal(server.client.viewer.join.mutate({ liveId, viewerId: 'someone' }));
    expect(error.data).toMatchObject({ code: 'NOT_FOUND' });
    expect((await refusal(server.client.viewer.stats.query({ liveId }))).data).toMatchObject({ code: 'NOT_FOUND' });
  });

  test('shows the counts in live.get and live.list', async ({ server }) => {
    const liveId = await liveOnAir(server.operator, 'Counted');
    await Promise.all(['a', 'b', 'c'].map((viewerId) => server.client.viewer.join.mutate({ liveId, viewerId })));
    expect((await server.client.live.get.query({ id: liveId })).stats).toMatchObject({
      current: 3,
      peak: 3,
      unique: 3,
    });
    const listed = await server.client.live.list.query({ status: 'LIVE' });
    expect(listed.items.find((live) => live.id === liveId)?.stats.current).toBe(3);
  });

  test('reports joins, leaves, expiries and subscribers in /metrics', async ({ server }) => {
    const liveId = await liveOnAir(server.operator, 'Measured');
    await server.client.viewer.join.mutate({ liveId, viewerId: 'm1' });
    await server.client.viewer.leave.mutate({ liveId, viewerId: 'm1' });
    const subscription = server.client.viewer.onStats.subscribe({ liveId }, new Recorder<ViewerStats>());
    try {
      await vi.waitFor(() => expect(server.onair.viewers.fanout.counts().subscribers).toBe(1));
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metricValue(metrics, 'onair_viewer_joins_total')).toBeGreaterThanOrEqual(1);
      expect(metricValue(metrics, 'onair_viewer_leaves_total')).toBeGreaterThanOrEqual(1);
      expect(metricValue(metrics, 'onair_viewer_expiries_total')).toBeGreaterThanOrEqual(0);
      expect(metricValue(metrics, 'onair_viewer_stats_subscribers')).toBe(1);
      expect(metrics).toMatch(/^onair_viewer_stats_fanout_delay_seconds_count \d+$/m);
      expect(metrics).toMatch(
        /^onair_trpc_procedure_duration_seconds_count\{procedure="viewer.join",type="mutation",code="OK"\} \d+$/m,
      );
    } finally {
      subscription.unsubscribe();
    }
  });
});
