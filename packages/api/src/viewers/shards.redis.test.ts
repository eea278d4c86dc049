import { describe, expect, vi } from 'vitest';
import { silentLogger, test } from '../../test/support';
import { liveKey } from '../infra/redis';
import { LiveStatusMirror } from '../live/status-mirror';
import { PresenceAggregator } from './aggregator';
import { activeBuckets, PresenceLayout, presenceKeysOfLive } from './layout';
import { PresenceStore, type VersionedStats } from './presence';

/** Viewer ids that land on every shard, `perShard` of each. */
function viewersOnEveryShard(layout: PresenceLayout, perShard = 1): string[] {
  const found = new Map<number, string[]>();
  for (let index = 0; [...found.values()].filter((ids) => ids.length >= perShard).length < layout.shards; index++) {
    const viewerId = `viewer-${index}`;
    const shard = layout.shardOf(viewerId);
    const ids = found.get(shard) ?? [];
    if (ids.length < perShard) ids.push(viewerId);
    found.set(shard, ids);
  }
  return [...found.values()].flat();
}

const hashTag = (key: string) => key.slice(key.indexOf('{'), key.indexOf('}') + 1);

describe('the key layout', () => {
  test('keeps the keys of one shard exactly as they were before sharding', () => {
    expect(presenceKeysOfLive('p', 'L', 1)).toEqual(
      ['status', 'present', 'stats', 'hll', 'timeline'].map((suffix) => liveKey('p', 'L', suffix)),
    );
  });

  test('gives each of N shards its own hash tag, and the aggregate the live’s own', () => {
    const keys = presenceKeysOfLive('p', 'L', 8);
    const tags = new Set(keys.map(hashTag));
    expect(tags).toEqual(new Set(['{live:L}', ...Array.from({ length: 8 }, (_, shard) => `{live:L:${shard}}`)]));
    // Each shard: status copy, presence, stats and HyperLogLog in its slot; the aggregate: stats, curve, lease.
    expect(keys).toHaveLength(8 * 4 + 3);
  });

  test('spreads viewers over the shards and lives over the active buckets', () => {
    const layout = new PresenceLayout('p', 8);
    const shards = new Set(Array.from({ length: 200 }, (_, index) => layout.shardOf(`viewer-${index}`)));
    expect(shards.size).toBe(8);
    const buckets = new Set(Array.from({ length: 200 }, (_, index) => layout.activeBucket(`live-${index}`)));
    expect(buckets.size).toBe(activeBuckets);
    expect(layout.shardOf('someone')).toBe(new PresenceLayout('q', 8).shardOf('someone'));
  });
});

describe('sharded presence on Redis', () => {
  test('an ended live refuses joins and heartbeats on every shard, and its end is never undone', async ({
    redis,
    prefix,
  }) => {
    const connection = redis.connect();
    const presence = new PresenceStore(connection, prefix, 8);
    const mirror = new LiveStatusMirror(connection, prefix, 8);
    const liveId = crypto.randomUUID();
    const viewers = viewersOnEveryShard(presence.layout);
    await mirror.advance(liveId, 'LIVE');
    for (const viewerId of viewers) expect((await presence.join(liveId, viewerId)).outcome).toBe('ok');
    await mirror.advance(liveId, 'ENDED');
    // A late LIVE (a redelivered live.started) changes no copy.
    await mirror.advance(liveId, 'LIVE');
    for (const k of presence.layout.allShards(liveId)) expect(await connection.get(k.status)).toBe('ENDED');
    for (const viewerId of [...viewers, ...viewersOnEveryShard(presence.layout, 2)]) {
      expect(await presence.join(liveId, viewerId)).toEqual({ outcome: 'not-live', status: 'ENDED' });
      expect(await presence.heartbeat(liveId, viewerId)).toEqual({ outcome: 'not-live', status: 'ENDED' });
    }
    expect((await presence.read([liveId])).get(liveId)?.stats.current).toBe(viewers.length);
  });

  test('a shard whose status copy is missing asks for the live’s status, and the others still serve', async ({
    redis,
    prefix,
  }) => {
    const connection = redis.connect();
    const presence = new PresenceStore(connection, prefix, 4);
    const liveId = crypto.randomUUID();
    await new LiveStatusMirror(connection, prefix, 4).advance(liveId, 'LIVE');
    const [first, second] = viewersOnEveryShard(presence.layout) as [string, string];
    await connection.del(presence.layout.shard(liveId, presence.layout.shardOf(first)).status);
    expect(await presence.join(liveId, first)).toEqual({ outcome: 'unknown-live' });
    expect((await presence.join(liveId, second)).outcome).toBe('ok');
  });

  test('the peak is the highest sum the aggregator sampled, never shown below the count', async ({ redis, prefix }) => {
    const connection = redis.connect();
    const presence = new PresenceStore(connection, prefix, 4);
    const liveId = crypto.randomUUID();
    await new LiveStatusMirror(connection, prefix, 4).advance(liveId, 'LIVE');
    const viewers = viewersOnEveryShard(presence.layout, 2);
    for (const viewerId of viewers) await presence.join(liveId, viewerId);
    const before = (await presence.read([liveId])).get(liveId) as VersionedStats;
    expect(before.stats).toMatchObject({ current: 8, peak: 8, unique: 8 });

    const raised = await presence.aggregate(liveId);
    expect(raised?.stats).toMatchObject({ current: 8, peak: 8 });
    // The sample moved the peak: a later order, so subscribers take it.
    expect(raised && (raised.epoch > before.epoch || raised.version > before.version)).toBe(true);
    expect(await presence.aggregate(liveId)).toBeUndefined();

    for (const viewerId of viewers.slice(0, 6)) await presence.leave(liveId, viewerId);
    expect((await presence.read([liveId])).get(liveId)?.stats).toMatchObject({ current: 2, peak: 8, unique: 8 });
    await presence.aggregate(liveId);
    // The curve keeps the last sample of each second.
    expect((await presence.timeline(liveId)).at(-1)?.count).toBe(2);

    const closed = await presence.close(liveId, 60_000);
    expect(closed?.stats).toMatchObject({ current: 0, peak: 8, unique: 8 });
    expect(closed && raised && closed.version > raised.version).toBe(true);
    expect(await presence.activeLives()).toEqual([]);
  });

  test('two aggregators: one samples a live at a time, the other takes over once it stops', async ({
    redis,
    prefix,
  }) => {
    const connection = redis.connect();
    const presence = new PresenceStore(connection, prefix, 4);
    const liveId = crypto.randomUUID();
    await new LiveStatusMirror(connection, prefix, 4).advance(liveId, 'LIVE');
    for (const viewerId of viewersOnEveryShard(presence.layout)) await presence.join(liveId, viewerId);
    const published: VersionedStats[][] = [[], []];
    const [first, second] = [0, 1].map(
      (index) =>
        new PresenceAggregator({
          presence,
          publish: (current) => published[index]?.push(current),
          periodMs: 100,
          logger: silentLogger,
        }),
    ) as [PresenceAggregator, PresenceAggregator];

    for (let period = 0; period < 5; period++) {
      const [byFirst, bySecond] = await Promise.all([first.tick(), second.tick()]);
      // Exactly one of them samples the live in each period, and it is the same one each time.
      expect([...byFirst, ...bySecond]).toEqual([liveId]);
      expect(await connection.get(presence.layout.aggregate(liveId).lease)).toBe(
        byFirst.length > 0 ? first.holder : second.holder,
      );
    }
    const holder = (await connection.get(presence.layout.aggregate(liveId).lease)) === first.holder ? 0 : 1;
    const [working, waiting] = holder === 0 ? [first, second] : [second, first];
    // The peak rose once (to the four viewers), published by the holder only.
    expect(published[holder]?.map((current) => current.stats.peak)).toEqual([4]);
    expect(published[1 - holder]).toEqual([]);

    // The holder stops renewing: the lease runs out (three periods) and the other takes the live.
    await working.stop();
    await vi.waitFor(async () => expect(await waiting.tick()).toEqual([liveId]), { timeout: 10_000, interval: 50 });
    expect(await connection.get(presence.layout.aggregate(liveId).lease)).toBe(waiting.holder);
  });

  test('the sweeper visits lives in every bucket, and lives of the single set older releases kept', async ({
    redis,
    prefix,
  }) => {
    const connection = redis.connect();
    const presence = new PresenceStore(connection, prefix, 2);
    const mirror = new LiveStatusMirror(connection, prefix, 2);
    const lives = Array.from({ length: 40 }, () => crypto.randomUUID());
    for (const liveId of lives) {
      await mirror.advance(liveId, 'LIVE');
      await presence.join(liveId, 'someone');
    }
    expect(new Set(lives.map((liveId) => presence.layout.activeBucket(liveId))).size).toBeGreaterThan(1);
    const legacyLive = crypto.randomUUID();
    await connection.zadd(presence.layout.legacyActiveKey, 3, legacyLive);

    const active = await presence.activeLives();
    expect(new Set(active.map((live) => live.liveId))).toEqual(new Set([...lives, legacyLive]));
    expect(await connection.exists(presence.layout.legacyActiveKey)).toBe(0);
    expect(await connection.zscore(presence.layout.activeBucket(legacyLive), legacyLive)).toBe('3');

    // A live whose viewers are all gone leaves its bucket; one a viewer joined meanwhile stays.
    const [gone, rejoined] = lives as [string, string];
    const scoreOf = (liveId: string) => active.find((live) => live.liveId === liveId)?.score as string;
    await presence.join(rejoined, 'someone else');
    await presence.deactivate(gone, scoreOf(gone));
    await presence.deactivate(rejoined, scoreOf(rejoined));
    const after = (await presence.activeLives()).map((live) => live.liveId);
    expect(after).not.toContain(gone);
    expect(after).toContain(rejoined);
  });
});
