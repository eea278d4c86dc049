import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { liveKey } from '../infra/redis';
import type { LiveStatus } from './schema';

/** How long a mirrored status lasts; LIVE lasts until the live ends. */
const ttlMs: Record<LiveStatus, number | undefined> = {
  SCHEDULED: 60_000,
  LIVE: undefined,
  ENDED: 24 * 3_600_000,
};

/**
 * The live domain's copy of each live's status in Redis, at `{live:<id>}:status`, under the same hash
 * tag as the viewers' keys so their Lua scripts read it atomically with presence: a join can never
 * slip in after the end. The database stays the truth; the mirror is refreshed from it when missing.
 */
export class LiveStatusMirror {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  /** After a committed transition: overwrite whatever was mirrored. */
  async set(liveId: string, status: LiveStatus): Promise<void> {
    const key = liveKey(this.prefix, liveId, 'status');
    const ttl = ttlMs[status];
    try {
      if (ttl) await this.redis.set(key, status, 'PX', ttl);
      else await this.redis.set(key, status);
    } catch (error) {
      // Readers fall back to the database when the mirror is missing; a retried start or end rewrites it.
      this.logger.error({ err: error, liveId, status }, 'live status not mirrored to Redis');
    }
  }

  /** After a database read: fill the mirror only if nothing newer was written meanwhile. */
  async fill(liveId: string, status: LiveStatus): Promise<void> {
    const key = liveKey(this.prefix, liveId, 'status');
    const ttl = ttlMs[status];
    if (ttl) await this.redis.set(key, status, 'PX', ttl, 'NX');
    else await this.redis.set(key, status, 'NX');
  }
}
