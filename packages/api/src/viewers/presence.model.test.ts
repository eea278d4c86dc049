import { fc, test } from '@fast-check/vitest';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { testRedis, uniquePrefix } from '../../test/support';
import { LiveStatusMirror } from '../live/status-mirror';
import { type PresenceOutcome, PresenceStore, type VersionedStats } from './presence';
import { isNewer } from './stats-order';

/** A few viewers, so sequences revisit them: re-joins, leaves of absent viewers, heartbeats after expiry. */
const viewers = Array.from({ length: 12 }, (_, index) => `viewer-${index}`);
const ttlMs = 60_000;

type Op =
  | { kind: 'join' | 'leave' | 'heartbeat'; viewer: number }
  /** The viewer's last heartbeat moves far into the past (as if it went silent), if it is present. */
  | { kind: 'silence'; viewer: number }
  | { kind: 'sweep' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('join' as const), viewer: fc.nat(viewers.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('leave' as const), viewer: fc.nat(viewers.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), viewer: fc.nat(viewers.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('silence' as const), viewer: fc.nat(viewers.length - 1) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sweep' as const }) },
);

/** What presence should be: who is present, who went silent, who ever joined, the highest count. */
class Model {
  readonly present = new Set<string>();
  readonly silent = new Set<string>();
  readonly everJoined = new Set<string>();
  peak = 0;

  join(viewer: string): void {
    this.present.add(viewer);
    this.silent.delete(viewer);
    this.everJoined.add(viewer);
    this.peak = Math.max(this.peak, this.present.size);
  }

  leave(viewer: string): void {
    this.present.delete(viewer);
    this.silent.delete(viewer);
  }

  sweep(): number {
    const removed = this.silent.size;
    for (const viewer of this.silent) this.present.delete(viewer);
    this.silent.clear();
    return removed;
  }
}

describe.each([1, 2, 8])('presence over %i shard(s) against a model', (shards) => {
  const prefix = uniquePrefix();
  const connections = testRedis(prefix);
  let redis: Redis;
  let presence: PresenceStore;
  let mirror: LiveStatusMirror;

  beforeAll(() => {
    redis = connections.connect();
    presence = new PresenceStore(redis, prefix, shards);
    mirror = new LiveStatusMirror(redis, prefix, shards);
  });
  afterAll(() => connections.cleanup());

  test.prop([fc.array(op, { minLength: 1, maxLength: 40 })], { numRuns: 100 })(
    'gives the same current, unique and order as the model',
    async (ops) => {
      const liveId = crypto.randomUUID();
      await mirror.advance(liveId, 'LIVE');
      const model = new Model();
      let last: VersionedStats | undefined;
      /** Every answer is exact, and none goes back in order; a change moves it forward. */
      const answered = (current: VersionedStats, changed: boolean) => {
        expect(current.stats.current).toBe(model.present.size);
        expect(current.stats.peak).toBeGreaterThanOrEqual(current.stats.current);
        if (last) {
          if (changed) expect(isNewer(current, last)).toBe(true);
          else expect(isNewer(last, current)).toBe(false);
        }
        last = current;
      };
      const ok = (outcome: PresenceOutcome | { outcome: 'absent' }) => {
        if (outcome.outcome !== 'ok') throw new Error(`unexpected ${outcome.outcome}`);
        return outcome;
      };

      for (const step of ops) {
        if (step.kind === 'sweep') {
          const removed = model.sweep();
          const swept = await presence.sweep(liveId, ttlMs, 1_000);
          expect(swept.removed).toBe(removed);
          expect(swept.remaining).toBe(model.present.size);
          if (swept.current) answered(swept.current, true);
          continue;
        }
        const viewer = viewers[step.viewer] as string;
        if (step.kind === 'join') {
          const wasPresent = model.present.has(viewer);
          model.join(viewer);
          const joined = ok(await presence.join(liveId, viewer));
          expect(joined.changed).toBe(!wasPresent);
          answered(joined.current, joined.changed);
        } else if (step.kind === 'leave') {
          const wasPresent = model.present.has(viewer);
          model.leave(viewer);
          const left = await presence.leave(liveId, viewer);
          expect(left.left).toBe(wasPresent);
          answered(left.current, left.left);
        } else if (step.kind === 'heartbeat') {
          const beat = await presence.heartbeat(liveId, viewer);
          if (beat.outcome === 'absent') {
            // As the service does: an expired viewer that still watches joins again.
            expect(model.present.has(viewer)).toBe(false);
            model.join(viewer);
            answered(ok(await presence.join(liveId, viewer)).current, true);
          } else {
            expect(model.present.has(viewer)).toBe(true);
            model.silent.delete(viewer);
            answered(ok(beat).current, false);
          }
        } else if (model.present.has(viewer)) {
          model.silent.add(viewer);
          const k = presence.layout.shard(liveId, presence.layout.shardOf(viewer));
          await redis.zadd(k.present, 'XX', 1, viewer);
        }
      }

      // What a reader sees: the exact count, the exact number of distinct viewers (a dozen fixed ids,
      // no two of them in one HyperLogLog register), and a live the sweeper still visits.
      const read = (await presence.read([liveId])).get(liveId);
      // Stats are born with a first join; a live nobody joined has none in Redis (the service answers zeros).
      if (model.everJoined.size === 0) {
        expect(read).toBeUndefined();
        return;
      }
      expect(read?.stats.current).toBe(model.present.size);
      expect(read?.stats.unique).toBe(model.everJoined.size);
      if (model.present.size > 0) expect((await presence.activeLives()).map((live) => live.liveId)).toContain(liveId);
      if (shards === 1) {
        expect(read?.stats.peak).toBe(model.peak);
      } else {
        // Under sharding the peak is the highest sum sampled: a sample now sees today's count, and no
        // sample can see more than the model ever had.
        await presence.aggregate(liveId);
        const sampled = (await presence.read([liveId])).get(liveId);
        expect(sampled?.stats.peak).toBeGreaterThanOrEqual(model.present.size);
        expect(sampled?.stats.peak).toBeLessThanOrEqual(model.peak);
        if (read && sampled) expect(isNewer(read, sampled)).toBe(false);
      }
    },
  );
});
