import { liveShardKey, stableHash } from '../infra/live-shards';
import { liveKey, redisKey } from '../infra/redis';

/**
 * Buckets of the active-lives set. One sorted set for every live would sit in one slot of a Redis
 * Cluster and take every first join of every live; sixteen spread that over the masters, and the
 * sweeper reads sixteen small sets instead of one.
 */
export const activeBuckets = 16;

/** The keys of one presence shard; `timeline` only where the scripts keep it (one shard). */
export interface ShardKeys {
  status: string;
  present: string;
  stats: string;
  hll: string;
  timeline?: string;
}

/** The keys of a live's aggregate (PRESENCE_SHARDS > 1), under the live's own tag `{live:<id>}`. */
export interface AggregateKeys {
  /** hash: peak, version, epoch, updatedAt, sampled (the last count written to the timeline) */
  stats: string;
  timeline: string;
  /** which instance aggregates the live (SET NX PX) */
  lease: string;
}

/**
 * Where the presence of every live lives in Redis, for `shards` shards per live:
 *
 * - shards = 1: `{live:<id>}:status|present|stats|hll|timeline`, the keys OnAir always had; the
 *   scripts keep every stat exact, there is no aggregate.
 * - shards = N: shard `s` (a viewer's shard is a stable hash of its id, modulo N) holds
 *   `{live:<id>:<s>}:status|present|stats|hll`, one slot per shard; the aggregate holds
 *   `{live:<id>}:stats|timeline|aggregator`, in a slot of its own.
 * - `viewers:active:{b<k>}`: lives that may have viewers, in bucket k = hash(liveId) mod 16.
 */
export class PresenceLayout {
  constructor(
    readonly prefix: string,
    readonly shards: number,
  ) {}

  get sharded(): boolean {
    return this.shards > 1;
  }

  shardOf(viewerId: string): number {
    return this.shards === 1 ? 0 : stableHash(viewerId) % this.shards;
  }

  shard(liveId: string, shard: number): ShardKeys {
    const key = (suffix: string) => liveShardKey(this.prefix, liveId, shard, this.shards, suffix);
    const keys: ShardKeys = { status: key('status'), present: key('present'), stats: key('stats'), hll: key('hll') };
    if (!this.sharded) keys.timeline = key('timeline');
    return keys;
  }

  allShards(liveId: string): ShardKeys[] {
    return Array.from({ length: this.shards }, (_, shard) => this.shard(liveId, shard));
  }

  aggregate(liveId: string): AggregateKeys {
    const key = (suffix: string) => liveKey(this.prefix, liveId, suffix);
    return { stats: key('stats'), timeline: key('timeline'), lease: key('aggregator') };
  }

  /** The live's audience curve: the script-kept timeline with one shard, the aggregator's with N. */
  timeline(liveId: string): string {
    return liveKey(this.prefix, liveId, 'timeline');
  }

  /** The one active-lives set of releases before the buckets, read only to move its lives over. */
  get legacyActiveKey(): string {
    return redisKey(this.prefix, 'viewers', 'active');
  }

  activeBucket(liveId: string): string {
    return this.bucketKey(stableHash(liveId) % activeBuckets);
  }

  allActiveBuckets(): string[] {
    return Array.from({ length: activeBuckets }, (_, bucket) => this.bucketKey(bucket));
  }

  private bucketKey(bucket: number): string {
    return redisKey(this.prefix, 'viewers', 'active', `{b${bucket}}`);
  }
}

/**
 * Every Redis key of one live's presence, status copies included (the aggregate's only when sharded):
 * what a test on a Redis Cluster checks to see that one live spreads over the masters.
 */
export function presenceKeysOfLive(prefix: string, liveId: string, shards: number): string[] {
  const layout = new PresenceLayout(prefix, shards);
  const keys = layout.allShards(liveId).flatMap((shard) => Object.values(shard) as string[]);
  if (layout.sharded) keys.push(...Object.values(layout.aggregate(liveId)));
  return keys;
}
