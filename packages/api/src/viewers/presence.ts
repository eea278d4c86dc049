import { type RedisClient, readLua } from '../infra/redis';
import { type AggregateKeys, PresenceLayout, type ShardKeys } from './layout';
import type { ViewerStats } from './schema';
import { isNewer, type StatsOrder } from './stats-order';
import type { TimelinePoint } from './tables';

const scripts = {
  join: readLua(new URL('./lua/join.lua', import.meta.url)),
  heartbeat: readLua(new URL('./lua/heartbeat.lua', import.meta.url)),
  leave: readLua(new URL('./lua/leave.lua', import.meta.url)),
  sweep: readLua(new URL('./lua/sweep.lua', import.meta.url)),
  aggregate: readLua(new URL('./lua/aggregate.lua', import.meta.url)),
  lease: readLua(new URL('./lua/lease.lua', import.meta.url)),
};

/**
 * How old a sharded live's stats may be in a heartbeat's answer. A heartbeat changes no count, and
 * reading every shard for each one would cost N reads per heartbeat, the bulk of a mega-live's
 * traffic; a screen's own stream is as old as this anyway (a frame every 80 ms at most).
 */
const heartbeatStatsMaxAgeMs = 100;
/** Lives whose combined stats this instance keeps for heartbeats (the oldest go first). */
const combinedCacheCapacity = 10_000;

const statsFields = ['current', 'peak', 'unique', 'version', 'updatedAt', 'epoch'] as const;
const aggregateFields = ['peak', 'version', 'updatedAt', 'epoch'] as const;

/**
 * Stats with what orders them: the live's stats epoch (when Redis first held them) and the version
 * within it. An epoch changes only when Redis lost the live's stats and they were born again.
 */
export interface VersionedStats extends StatsOrder {
  stats: ViewerStats;
}

export type PresenceOutcome =
  | { outcome: 'ok'; changed: boolean; current: VersionedStats }
  | { outcome: 'not-live'; status: string }
  | { outcome: 'unknown-live' };

type ScriptReply = (string | number | null)[];
/** One shard's stats hash, as numbers (0 for a field not set); `held` is false when Redis has none. */
interface ShardStats {
  current: number;
  peak: number;
  unique: number;
  version: number;
  updatedAt: number;
  epoch: number;
  held: boolean;
}
type ShardOutcome =
  | { outcome: 'ok'; changed: boolean; shard: ShardStats }
  | { outcome: 'not-live'; status: string }
  | { outcome: 'unknown-live' };
interface AggregateStats {
  peak: number;
  version: number;
  updatedAt: number;
  epoch: number;
  held: boolean;
}

/**
 * Viewer presence of every live, in Redis, changed only by Lua scripts that each touch the keys of
 * one slot (key layout in `layout.ts`):
 * - `status`   the live domain's copy of the live's status (LIVE, ENDED, ...), one per shard
 * - `present`  sorted set viewerId -> last seen (ms, Redis clock)
 * - `stats`    hash current, peak, unique, version, updatedAt, epoch
 * - `hll`      HyperLogLog of every viewer that ever joined
 * - `timeline` hash epoch second -> count (one shard: at the end of each second with changes;
 *              N shards: the aggregator's samples)
 *
 * With one shard (PRESENCE_SHARDS=1) every stat is exact in the scripts. With N, a viewer's shard is
 * a stable hash of its id and the live's stats are combined from the shards (see `combine`): `current`
 * and `unique` are sums, `peak` comes from the aggregator (`aggregate`, run by `PresenceAggregator`).
 */
export class PresenceStore {
  readonly layout: PresenceLayout;
  /** The latest stats this instance combined per sharded live, and when (performance.now()). */
  private readonly combined = new Map<string, { at: number; current: VersionedStats }>();
  private readonly reading = new Map<string, Promise<VersionedStats>>();

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    shards = 1,
  ) {
    this.layout = new PresenceLayout(prefix, shards);
  }

  async join(liveId: string, viewerId: string): Promise<PresenceOutcome> {
    const shard = this.layout.shardOf(viewerId);
    const k = this.layout.shard(liveId, shard);
    const reply = (await scripts.join.run(this.redis, withTimeline(k, [k.status, k.present, k.stats, k.hll]), [
      viewerId,
    ])) as ScriptReply;
    const outcome = toShardOutcome(reply);
    // The active-lives bucket is outside the live's slots, so the script cannot touch it: bumped
    // after a join that added a viewer, and only then (a join refused, to an unknown live say,
    // leaves it alone). Bumping the score, not setting it, lets the sweeper drop a live only if no
    // join came since it looked.
    if (outcome.outcome === 'ok' && outcome.changed)
      await this.redis.zincrby(this.layout.activeBucket(liveId), 1, liveId);
    return this.completed(liveId, shard, outcome);
  }

  /** Refreshes a present viewer; `changed: false` with no stats change, or 'absent' to re-join. */
  async heartbeat(liveId: string, viewerId: string): Promise<PresenceOutcome | { outcome: 'absent' }> {
    const shard = this.layout.shardOf(viewerId);
    const k = this.layout.shard(liveId, shard);
    const reply = (await scripts.heartbeat.run(this.redis, [k.status, k.present, k.stats], [viewerId])) as ScriptReply;
    if (reply[0] === 1 && reply[1] === 0) return { outcome: 'absent' };
    if (this.layout.sharded && reply[0] === 1)
      return { outcome: 'ok', changed: false, current: await this.recentStats(liveId) };
    const outcome = await this.completed(liveId, shard, toShardOutcome(reply));
    return outcome.outcome === 'ok' ? { ...outcome, changed: false } : outcome;
  }

  async leave(liveId: string, viewerId: string): Promise<{ left: boolean; current: VersionedStats }> {
    const shard = this.layout.shardOf(viewerId);
    const k = this.layout.shard(liveId, shard);
    const reply = (await scripts.leave.run(this.redis, withTimeline(k, [k.status, k.present, k.stats]), [
      viewerId,
    ])) as ScriptReply;
    const own = toShardStats(reply.slice(2));
    return { left: reply[1] === 1, current: await this.combineAfter(liveId, shard, own) };
  }

  /**
   * Removes viewers silent for `ttlMs` from every shard of the live; returns the live's new stats
   * when any were removed (read after every shard's sweep, so they include all of them).
   */
  async sweep(
    liveId: string,
    ttlMs: number,
    maxRemovals: number,
  ): Promise<{ removed: number; remaining: number; current?: VersionedStats }> {
    const replies = (await Promise.all(
      this.layout
        .allShards(liveId)
        .map((k) =>
          scripts.sweep.run(this.redis, withTimeline(k, [k.status, k.present, k.stats]), [ttlMs, maxRemovals]),
        ),
    )) as ScriptReply[];
    let removed = 0;
    let remaining = 0;
    for (const reply of replies) {
      removed += Number(reply[0]);
      remaining += Number(reply[1]);
    }
    if (removed === 0) return { removed, remaining };
    const only = replies[0] as ScriptReply;
    const current = this.layout.sharded
      ? await this.readOne(liveId)
      : toVersionedStats(liveId, [toShardStats(only.slice(2))], undefined);
    return { removed, remaining, current };
  }

  /** Current stats of each live that has presence data in Redis. */
  async read(liveIds: string[]): Promise<Map<string, VersionedStats>> {
    const found = new Map<string, VersionedStats>();
    const all = await Promise.all(liveIds.map((liveId) => this.readRaw(liveId)));
    all.forEach(({ shards, aggregate }, index) => {
      const liveId = liveIds[index] as string;
      if (shards.some((shard) => shard.held) || aggregate?.held)
        found.set(liveId, toVersionedStats(liveId, shards, aggregate));
    });
    return found;
  }

  async timeline(liveId: string): Promise<TimelinePoint[]> {
    const fields = await this.redis.hgetall(this.layout.timeline(liveId));
    return Object.entries(fields)
      .map(([second, count]) => ({ second: Number(second), count: Number(count) }))
      .sort((a, b) => a.second - b.second)
      .map(({ second, count }) => ({ at: new Date(second * 1000).toISOString(), count }));
  }

  /** Lives that may have present viewers, with the score the sweeper compares before dropping one. */
  async activeLives(): Promise<{ liveId: string; score: string }[]> {
    await this.moveLegacyActiveLives();
    const buckets = await Promise.all(
      this.layout.allActiveBuckets().map((bucket) => this.redis.zrange(bucket, '0', '-1', 'WITHSCORES')),
    );
    const lives: { liveId: string; score: string }[] = [];
    for (const flat of buckets) {
      for (let index = 0; index + 1 < flat.length; index += 2) {
        lives.push({ liveId: flat[index] as string, score: flat[index + 1] as string });
      }
    }
    return lives;
  }

  /**
   * The upgrade from one active-lives set (`viewers:active`, before its buckets): lives an older
   * instance listed there move to their buckets, so the sweeper keeps expiring their viewers.
   */
  private async moveLegacyActiveLives(): Promise<void> {
    const legacy = this.layout.legacyActiveKey;
    const flat = await this.redis.zrange(legacy, '0', '-1', 'WITHSCORES');
    for (let index = 0; index + 1 < flat.length; index += 2) {
      const liveId = flat[index] as string;
      await this.redis.zincrby(this.layout.activeBucket(liveId), Number(flat[index + 1]), liveId);
      await this.redis.zrem(legacy, liveId);
    }
  }

  /** Drops a live from the active set unless a viewer joined since the sweeper read `score`. */
  async deactivate(liveId: string, score: string): Promise<void> {
    await this.redis.eval(
      "if redis.call('ZSCORE', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('ZREM', KEYS[1], ARGV[1]) end return 0",
      1,
      this.layout.activeBucket(liveId),
      liveId,
      score,
    );
  }

  /**
   * Samples a sharded live: the sum of its shards' exact counts raises its peak and adds a point to
   * its audience curve (one script in the aggregate's slot). Returns the live's stats, read after the
   * script, when the peak moved (they carry a new version), else undefined. Idempotent, so the final
   * sample at the end may run beside the aggregator.
   */
  async aggregate(liveId: string): Promise<VersionedStats | undefined> {
    if (!this.layout.sharded) return undefined;
    const sampled = await this.readRaw(liveId);
    const current = sampled.shards.reduce((sum, shard) => sum + shard.current, 0);
    const a = this.layout.aggregate(liveId);
    const reply = (await scripts.aggregate.run(this.redis, [a.stats, a.timeline], [current])) as ScriptReply;
    return reply[0] === 1 ? this.readOne(liveId) : undefined;
  }

  /** Takes or renews the live's aggregator lease for `holder`; true while `holder` holds it. */
  async holdAggregatorLease(liveId: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await scripts.lease.run(this.redis, [this.layout.aggregate(liveId).lease], [holder, ttlMs])) === 1;
  }

  /**
   * After the end: the audience is zero, and the live's keys expire once the summary is in the
   * database (the status copies, owned by the live domain, keep their own expiry).
   */
  async close(liveId: string, keepMs: number): Promise<VersionedStats | undefined> {
    const now = Date.now();
    // One transaction per shard (one slot each); the aggregate's keys in theirs.
    await Promise.all(
      this.layout.allShards(liveId).map((k) => {
        const transaction = this.redis
          .multi()
          .hsetnx(k.stats, 'epoch', now)
          .hset(k.stats, { current: 0, updatedAt: now })
          .hincrby(k.stats, 'version', 1)
          .del(k.present)
          .pexpire(k.stats, keepMs)
          .pexpire(k.hll, keepMs);
        if (k.timeline) transaction.pexpire(k.timeline, keepMs);
        return transaction.exec();
      }),
    );
    if (this.layout.sharded) {
      const a = this.layout.aggregate(liveId);
      await this.redis.multi().pexpire(a.stats, keepMs).pexpire(a.timeline, keepMs).del(a.lease).exec();
    }
    await this.redis.zrem(this.layout.activeBucket(liveId), liveId);
    this.combined.delete(liveId);
    return (await this.read([liveId])).get(liveId);
  }

  /** With N shards, an answer's stats are the live's, combined after the shard's script ran. */
  private async completed(liveId: string, shard: number, outcome: ShardOutcome): Promise<PresenceOutcome> {
    if (outcome.outcome !== 'ok') return outcome;
    return { outcome: 'ok', changed: outcome.changed, current: await this.combineAfter(liveId, shard, outcome.shard) };
  }

  /**
   * The live's stats after a script changed (or read) shard `shard`: the script's own reply for
   * that shard, every other part read afterwards. Reading the others after the write is what makes
   * the order sound: the last change of all is published with every part's latest value.
   */
  private async combineAfter(liveId: string, shard: number, own: ShardStats): Promise<VersionedStats> {
    if (!this.layout.sharded) return toVersionedStats(liveId, [own], undefined);
    const { shards, aggregate } = await this.readRaw(liveId, shard);
    shards[shard] = own;
    return this.remember(liveId, toVersionedStats(liveId, shards, aggregate));
  }

  private async readOne(liveId: string): Promise<VersionedStats> {
    const { shards, aggregate } = await this.readRaw(liveId);
    return this.remember(liveId, toVersionedStats(liveId, shards, aggregate));
  }

  /**
   * A sharded live's stats for a heartbeat's answer: those combined here in the last 100 ms, else one
   * read of every shard shared by all the heartbeats that arrive while it runs.
   */
  private recentStats(liveId: string): Promise<VersionedStats> {
    const recent = this.combined.get(liveId);
    if (recent && performance.now() - recent.at <= heartbeatStatsMaxAgeMs) return Promise.resolve(recent.current);
    let reading = this.reading.get(liveId);
    if (!reading) {
      reading = this.readOne(liveId).finally(() => this.reading.delete(liveId));
      this.reading.set(liveId, reading);
    }
    return reading;
  }

  /** Keeps a sharded live's combined stats for the heartbeats that follow, unless newer ones are kept. */
  private remember(liveId: string, current: VersionedStats): VersionedStats {
    const kept = this.combined.get(liveId);
    if (kept && isNewer(kept.current, current)) return current;
    this.combined.delete(liveId);
    this.combined.set(liveId, { at: performance.now(), current });
    if (this.combined.size > combinedCacheCapacity) this.combined.delete(this.combined.keys().next().value as string);
    return current;
  }

  /**
   * Every shard's stats and the aggregate's (sharded lives), one command per key: they sit in
   * different slots, so neither a transaction nor a cluster pipeline could hold them. `skip` is a
   * shard the caller already has.
   */
  private async readRaw(
    liveId: string,
    skip?: number,
  ): Promise<{ shards: ShardStats[]; aggregate: AggregateStats | undefined }> {
    const shardReads = this.layout
      .allShards(liveId)
      .map((k, index) =>
        index === skip ? Promise.resolve(absent()) : this.redis.hmget(k.stats, ...statsFields).then(toShardStats),
      );
    // Awaited together: a failed shard read must not leave the aggregate's read rejecting unhandled.
    const [shards, aggregate] = await Promise.all([
      Promise.all(shardReads),
      this.layout.sharded ? this.readAggregate(this.layout.aggregate(liveId)) : undefined,
    ]);
    return { shards, aggregate };
  }

  private async readAggregate(a: AggregateKeys): Promise<AggregateStats> {
    const [peak, version, updatedAt, epoch] = await this.redis.hmget(a.stats, ...aggregateFields);
    return {
      peak: Number(peak ?? 0),
      version: Number(version ?? 0),
      updatedAt: Number(updatedAt ?? 0),
      epoch: Number(epoch ?? 0),
      held: version !== null || epoch !== null,
    };
  }
}

/** A shard's script keys, with its timeline when it keeps one (one shard). */
function withTimeline(k: ShardKeys, keys: string[]): string[] {
  return k.timeline ? [...keys, k.timeline] : keys;
}

function toShardOutcome(reply: ScriptReply): ShardOutcome {
  if (reply[0] === -1) return { outcome: 'unknown-live' };
  if (reply[0] === 0) return { outcome: 'not-live', status: String(reply[1]) };
  return { outcome: 'ok', changed: reply[1] === 1, shard: toShardStats(reply.slice(2)) };
}

/** [current, peak, unique, version, updatedAt, epoch] as Redis returns them (strings, or null when unset). */
function toShardStats(fields: (string | number | null | undefined)[]): ShardStats {
  const [current, peak, unique, version, updatedAt, epoch] = fields.map((field) => Number(field ?? 0));
  return {
    current: current ?? 0,
    peak: peak ?? 0,
    unique: unique ?? 0,
    version: version ?? 0,
    updatedAt: updatedAt ?? 0,
    epoch: epoch ?? 0,
    held: fields[3] !== null && fields[3] !== undefined,
  };
}

function absent(): ShardStats {
  return toShardStats([]);
}

/**
 * A live's stats from its parts. One shard: its stats as they are. N shards, which partition the
 * viewers (a viewer's shard is a hash of its id):
 * - `current` and `unique` are the sums of the shards' (exact counts; disjoint HyperLogLogs, so the
 *   sum of their estimates is the estimate of their union, and a better one than a merged sketch's);
 * - `peak` is the aggregator's (the highest sum it sampled), never shown below `current`;
 * - the order: epoch = the sum of every part's epoch, version = the sum of every part's version. A
 *   part's version only grows within its epoch and a part's epoch only grows (it is born again later
 *   when lost), so a part born or born again makes a later epoch (subscribers follow it whatever its
 *   version), and any change makes a higher version. Parts are read one by one, not atomically, but
 *   the reader after the last change reads every part's latest value, so the highest order ever
 *   published is the true final state and subscribers end on it.
 */
function toVersionedStats(liveId: string, shards: ShardStats[], aggregate: AggregateStats | undefined): VersionedStats {
  let current = 0;
  let unique = 0;
  let version = aggregate?.version ?? 0;
  let epoch = aggregate?.epoch ?? 0;
  let updatedAt = aggregate?.updatedAt ?? 0;
  for (const shard of shards) {
    current += shard.current;
    unique += shard.unique;
    version += shard.version;
    epoch += shard.epoch;
    updatedAt = Math.max(updatedAt, shard.updatedAt);
  }
  const peak = aggregate ? Math.max(aggregate.peak, current) : (shards[0]?.peak ?? 0);
  return {
    epoch,
    version,
    stats: { liveId, current, peak, unique, updatedAt: new Date(updatedAt || Date.now()).toISOString() },
  };
}
