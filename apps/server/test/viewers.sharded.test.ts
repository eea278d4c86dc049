import { PresenceLayout, type ViewerStats } from '@onair/api';
import { viewerSummaries } from '@onair/api/tables';
import { eq } from 'drizzle-orm';
import { describe, expect, vi } from 'vitest';
import { onAirTest } from './support/fixtures';
import { refusal } from './support/refusal';
import { liveOnAir } from './support/short-videos';
import { ascending, Recorder, statsOrderOf } from './support/subscriptions';

const shards = 8;
// A TTL longer than 300 concurrent joins take on a loaded machine: the first viewer is still there
// when the last joins, so the exact count reaches 301.
const test = onAirTest({
  env: { VIEWER_TTL_MS: '5000', PRESENCE_SHARDS: String(shards), PRESENCE_AGGREGATE_MS: '100' },
});
const layout = new PresenceLayout('any', shards);

/** Viewer ids covering every shard, `count` of them. */
const viewersOverShards = (count: number, tag: string) => {
  const viewers = Array.from({ length: count }, (_, index) => `${tag}-${index}`);
  expect(new Set(viewers.map((viewerId) => layout.shardOf(viewerId))).size).toBe(shards);
  return viewers;
};

describe('viewer presence over 8 shards', () => {
  test('counts exactly under concurrent joins, and a subscriber ends on the exact count', async ({ server }) => {
    const liveId = await liveOnAir(server.operator, 'Sharded');
    const same = await Promise.all(
      Array.from({ length: 500 }, () => server.client.viewer.join.mutate({ liveId, viewerId: 'same-viewer' })),
    );
    expect(same.filter((result) => result.joined)).toHaveLength(1);

    const recorder = new Recorder<ViewerStats>();
    const subscription = server.client.viewer.onStats.subscribe({ liveId }, recorder);
    try {
      await recorder.waitFor(() => true);
      const viewers = viewersOverShards(300, 'crowd');
      const answers = await Promise.all(
        viewers.map((viewerId) => server.client.viewer.join.mutate({ liveId, viewerId })),
      );
      // Each answer is an exact sum at some moment: the last of them all sees everyone.
      expect(Math.max(...answers.map((answer) => answer.stats.current))).toBe(301);
      const stats = await server.client.viewer.stats.query({ liveId });
      expect(stats.current).toBe(301);
      // The sum of eight HyperLogLog counts (±0.81% each).
      expect(Math.abs(stats.unique - 301)).toBeLessThanOrEqual(3);
      await recorder.waitFor((event) => event.data.current === 301);
      const orders = recorder.events.map((event) => statsOrderOf(event.id));
      expect(orders).toEqual([...orders].sort(ascending));
    } finally {
      subscription.unsubscribe();
    }
  });

  test('expires silent viewers on every shard and keeps those who heartbeat', async ({ server }) => {
    const liveId = await liveOnAir(server.operator, 'Sharded expiry');
    const viewers = viewersOverShards(60, 'expiry');
    await Promise.all(viewers.map((viewerId) => server.client.viewer.join.mutate({ liveId, viewerId })));
    const keepers = viewers.slice(0, 16);
    const heartbeats = setInterval(() => {
      for (const viewerId of keepers) void server.client.viewer.heartbeat.mutate({ liveId, viewerId });
    }, 1_000);
    try {
      await vi.waitFor(async () => expect((await server.client.viewer.stats.query({ liveId })).current).toBe(16), {
        timeout: 30_000,
        interval: 50,
      });
    } finally {
      clearInterval(heartbeats);
    }
    // The aggregator sampled the 60 (it runs ten times a second; the viewers stayed for the TTL).
    expect((await server.client.viewer.stats.query({ liveId })).peak).toBe(60);
  });

  test('refuses joins on every shard after the end, and freezes the sampled peak and unique', async ({ server }) => {
    const live = await server.operator.live.create.mutate({ title: 'Sharded end' });
    await server.operator.live.start.mutate({ id: live.id });
    const viewers = viewersOverShards(40, 'fan');
    await Promise.all(viewers.map((viewerId) => server.client.viewer.join.mutate({ liveId: live.id, viewerId })));
    await Promise.all(
      viewers.slice(0, 30).map((viewerId) => server.client.viewer.leave.mutate({ liveId: live.id, viewerId })),
    );
    await server.operator.live.end.mutate({ id: live.id });

    for (const viewerId of viewersOverShards(40, 'late')) {
      const late = await refusal(server.client.viewer.join.mutate({ liveId: live.id, viewerId }));
      expect(late.data).toMatchObject({ code: 'CONFLICT' });
    }
    await vi.waitFor(
      async () => {
        const [summary] = await server.onair.database.db
          .select()
          .from(viewerSummaries)
          .where(eq(viewerSummaries.liveId, live.id));
        expect(summary?.unique).toBe(40);
        // The highest sum sampled: at least the ten who stayed to the end, at most the forty.
        expect(summary?.peak).toBeGreaterThanOrEqual(10);
        expect(summary?.peak).toBeLessThanOrEqual(40);
        expect(summary?.timeline.at(-1)?.count).toBe(10);
      },
      { timeout: 10_000 },
    );
    expect(await server.client.viewer.stats.query({ liveId: live.id })).toMatchObject({ current: 0, unique: 40 });
  });
});
