import { liveShardKey } from '../infra/live-shards';
import { type RedisClient, readLua } from '../infra/redis';
import type { LiveStatus } from './schema';

const advanceScript = readLua(new URL('./lua/advance-status.lua', import.meta.url));

/**
 * How long a mirrored status lasts. Every status expires, LIVE too: whatever went wrong with a
 * write, the viewers' scripts then find no mirror and the database is read again (one read per
 * live per period), so a wrong mirror cannot outlive this.
 */
const ttlMs: Record<LiveStatus, number> = {
  SCHEDULED: 60_000,
  LIVE: 5 * 60_000,
  ENDED: 24 * 3_600_000,
};

/**
 * The live domain's copy of each live's status in Redis, under the same hash tag as the viewers'
 * presence keys so their Lua scripts read it atomically with presence: a join can never slip in after
 * the end. With one presence shard that is `{live:<id>}:status`; with PRESENCE_SHARDS=N every shard
 * has its own copy, `{live:<id>:<s>}:status`, and each is written (so an ended live refuses joins on
 * every shard). The database stays the truth. Each copy only moves forward (SCHEDULED, LIVE, ENDED)
 * and is written after each committed transition, again from the `live.started` and `live.ended`
 * events (delivered at least once, after any Redis outage: this repairs a write that failed), and
 * from the database when missing.
 */
export class LiveStatusMirror {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly shards = 1,
  ) {}

  /** Mirrors `status` into every shard's copy unless that copy holds a later one already. */
  async advance(liveId: string, status: LiveStatus): Promise<void> {
    // One script per copy: the copies sit in different slots. A copy left behind by a failure is
    // repaired like a single mirror: by the event, or by the database when it expires.
    await Promise.all(
      Array.from({ length: this.shards }, (_, shard) =>
        advanceScript.run(
          this.redis,
          [liveShardKey(this.prefix, liveId, shard, this.shards, 'status')],
          [status, ttlMs[status]],
        ),
      ),
    );
  }
}
