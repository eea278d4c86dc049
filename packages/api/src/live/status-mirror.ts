import type { Redis } from 'ioredis';
import { liveKey, readLua } from '../infra/redis';
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
 * The live domain's copy of each live's status in Redis, at `{live:<id>}:status`, under the same hash
 * tag as the viewers' keys so their Lua scripts read it atomically with presence: a join can never
 * slip in after the end. The database stays the truth. The mirror only moves forward (SCHEDULED,
 * LIVE, ENDED) and is written after each committed transition, again from the `live.started` and
 * `live.ended` events (delivered at least once, after any Redis outage: this repairs a write that
 * failed), and from the database when missing.
 */
export class LiveStatusMirror {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Mirrors `status` unless a later one is mirrored already. */
  async advance(liveId: string, status: LiveStatus): Promise<void> {
    await advanceScript.run(this.redis, [liveKey(this.prefix, liveId, 'status')], [status, ttlMs[status]]);
  }
}
