import type { Redis } from 'ioredis';
import { liveKey, readLua, redisKey } from '../infra/redis';
import type { ViewerStats } from './schema';
import type { StatsOrder } from './stats-order';
import type { TimelinePoint } from './tables';

const scripts = {
  join: readLua(new URL('./lua/join.lua', import.meta.url)),
  heartbeat: readLua(new URL('./lua/heartbeat.lua', import.meta.url)),
  leave: readLua(new URL('./lua/leave.lua', import.meta.url)),
  sweep: readLua(new URL('./lua/sweep.lua', import.meta.url)),
};

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

/**
 * Viewer presence of every live, in Redis. All keys of one live share the hash tag `{live:<id>}`,
 * so each Lua script touches one slot and also runs on a Redis Cluster:
 * - `status`   the live domain's mirror of the live's status (LIVE, ENDED, ...)
 * - `present`  sorted set viewerId -> last seen (ms, Redis clock)
 * - `stats`    hash current, peak, unique, version, updatedAt, epoch
 * - `hll`      HyperLogLog of every viewer that ever joined
 * - `timeline` hash epoch second -> count at the end of that second (seconds with changes only)
 * One global sorted set lists the lives that may have viewers, so the sweeper never scans keys.
 */
export class PresenceStore {
  private readonly activeKey: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.activeKey = redisKey(prefix, 'viewers', 'active');
  }

  private keys(liveId: string) {
    const key = (suffix: string) => liveKey(this.prefix, liveId, suffix);
    return {
      status: key('status'),
      present: key('present'),
      stats: key('stats'),
      hll: key('hll'),
      timeline: key('timeline'),
    };
  }

  async join(liveId: string, viewerId: string): Promise<PresenceOutcome> {
    const k = this.keys(liveId);
    const reply = (await scripts.join.run(
      this.redis,
      [k.status, k.present, k.stats, k.hll, k.timeline],
      [viewerId],
    )) as ScriptReply;
    const outcome = toOutcome(liveId, reply);
    // The active-lives set is a global key, outside the live's slot, so the script cannot touch it:
    // bumped after a join that added a viewer, and only then (a join refused, to an unknown live
    // say, leaves it alone). Bumping the score, not setting it, lets the sweeper drop a live only
    // if no join came since it looked.
    if (outcome.outcome === 'ok' && outcome.changed) await this.redis.zincrby(this.activeKey, 1, liveId);
    return outcome;
  }

  /** Refreshes a present viewer; `changed: false` with no stats change, or 'absent' to re-join. */
  async heartbeat(liveId: string, viewerId: string): Promise<PresenceOutcome | { outcome: 'absent' }> {
    const k = this.keys(liveId);
    const reply = (await scripts.heartbeat.run(this.redis, [k.status, k.present, k.stats], [viewerId])) as ScriptReply;
    if (reply[0] === 1 && reply[1] === 0) return { outcome: 'absent' };
    const outcome = toOutcome(liveId, reply);
    return outcome.outcome === 'ok' ? { ...outcome, changed: false } : outcome;
  }

  async leave(liveId: string, viewerId: string): Promise<{ left: boolean; current: VersionedStats }> {
    const k = this.keys(liveId);
    const reply = (await scripts.leave.run(
      this.redis,
      [k.status, k.present, k.stats, k.timeline],
      [viewerId],
    )) as ScriptReply;
    return { left: reply[1] === 1, current: toVersionedStats(liveId, reply.slice(2)) };
  }

  /** Removes viewers silent for `ttlMs`; returns the new stats when any were removed. */
  async sweep(
    liveId: string,
    ttlMs: number,
    maxRemovals: number,
  ): Promise<{ removed: number; remaining: number; current?: VersionedStats }> {
    const k = this.keys(liveId);
    const reply = (await scripts.sweep.run(
      this.redis,
      [k.status, k.present, k.stats, k.timeline],
      [ttlMs, maxRemovals],
    )) as ScriptReply;
    const removed = Number(reply[0]);
    const remaining = Number(reply[1]);
    return removed > 0
      ? { removed, remaining, current: toVersionedStats(liveId, reply.slice(2)) }
      : { removed, remaining };
  }

  /** Current stats of each live that has presence data in Redis. */
  async read(liveIds: string[]): Promise<Map<string, VersionedStats>> {
    const pipeline = this.redis.pipeline();
    for (const liveId of liveIds)
      pipeline.hmget(this.keys(liveId).stats, 'current', 'peak', 'unique', 'version', 'updatedAt', 'epoch');
    const replies = (await pipeline.exec()) ?? [];
    const found = new Map<string, VersionedStats>();
    replies.forEach(([error, values], index) => {
      if (error) throw error;
      const liveId = liveIds[index] as string;
      const fields = values as (string | null)[];
      if (fields[3] !== null) found.set(liveId, toVersionedStats(liveId, fields));
    });
    return found;
  }

  async timeline(liveId: string): Promise<TimelinePoint[]> {
    const fields = await this.redis.hgetall(this.keys(liveId).timeline);
    return Object.entries(fields)
      .map(([second, count]) => ({ second: Number(second), count: Number(count) }))
      .sort((a, b) => a.second - b.second)
      .map(({ second, count }) => ({ at: new Date(second * 1000).toISOString(), count }));
  }

  /** Lives that may have present viewers, with the score the sweeper compares before dropping one. */
  async activeLives(): Promise<{ liveId: string; score: string }[]> {
    const flat = await this.redis.zrange(this.activeKey, '0', '-1', 'WITHSCORES');
    const lives: { liveId: string; score: string }[] = [];
    for (let index = 0; index + 1 < flat.length; index += 2) {
      lives.push({ liveId: flat[index] as string, score: flat[index + 1] as string });
    }
    return lives;
  }

  /** Drops a live from the active set unless a viewer joined since the sweeper read `score`. */
  async deactivate(liveId: string, score: string): Promise<void> {
    await this.redis.eval(
      "if redis.call('ZSCORE', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('ZREM', KEYS[1], ARGV[1]) end return 0",
      1,
      this.activeKey,
      liveId,
      score,
    );
  }

  /**
   * After the end: the audience is zero, and the live's keys expire once the summary is in the
   * database (the status mirror, owned by the live domain, keeps its own expiry).
   */
  async close(liveId: string, keepMs: number): Promise<VersionedStats | undefined> {
    const k = this.keys(liveId);
    const now = Date.now();
    const results = await this.redis
      .multi()
      .hsetnx(k.stats, 'epoch', now)
      .hset(k.stats, { current: 0, updatedAt: now })
      .hincrby(k.stats, 'version', 1)
      .del(k.present)
      .pexpire(k.stats, keepMs)
      .pexpire(k.hll, keepMs)
      .pexpire(k.timeline, keepMs)
      .zrem(this.activeKey, liveId)
      .hmget(k.stats, 'current', 'peak', 'unique', 'version', 'updatedAt', 'epoch')
      .exec();
    const stats = results?.at(-1)?.[1] as (string | null)[] | undefined;
    return stats ? toVersionedStats(liveId, stats) : undefined;
  }
}

function toOutcome(liveId: string, reply: ScriptReply): PresenceOutcome {
  if (reply[0] === -1) return { outcome: 'unknown-live' };
  if (reply[0] === 0) return { outcome: 'not-live', status: String(reply[1]) };
  return { outcome: 'ok', changed: reply[1] === 1, current: toVersionedStats(liveId, reply.slice(2)) };
}

/** [current, peak, unique, version, updatedAt, epoch] as Redis returns them (strings, or null when unset). */
function toVersionedStats(liveId: string, fields: (string | number | null | undefined)[]): VersionedStats {
  const [current, peak, unique, version, updatedAt, epoch] = fields.map((field) => Number(field ?? 0));
  return {
    epoch: epoch ?? 0,
    version: version ?? 0,
    stats: {
      liveId,
      current: current ?? 0,
      peak: peak ?? 0,
      unique: unique ?? 0,
      updatedAt: new Date(updatedAt || Date.now()).toISOString(),
    },
  };
}
