import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import type { Logger } from 'pino';
import { keySlot, type RedisClient, redisKey } from './redis';

/**
 * Notices that Redis lost its data (a restart without persistence, a failover to an empty replica,
 * a flush): a marker key written once per data set is gone, or was written anew by another instance.
 * Checked every `periodMs` and whenever the connection comes back, so the repairs that follow
 * (re-created jobs, say) start within seconds of Redis answering again.
 *
 * A Redis Cluster loses data master by master, so it gets one marker per master:
 * `<prefix>:{data-set:<n>}`, for each master the first n whose slot that master owns (chosen again at
 * each check from the slots ioredis knows: a failover keeps the same markers, since the promoted
 * replica takes over the same slots; slots moved to another master bring a marker that is new to us,
 * only remembered).
 */
export class RedisDataLossWatch {
  private readonly key: string;
  /** The marker seen last, by marker key. */
  private readonly seen = new Map<string, string>();
  /** A loss was noticed and its repair has not succeeded yet: it is tried again at every check. */
  private repairPending = false;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly onLoss: () => Promise<unknown>,
    private readonly logger: Logger,
    private readonly periodMs = 1_000,
  ) {
    this.key = redisKey(prefix, 'data-set');
  }

  start(): void {
    this.redis.on('ready', this.check);
    this.timer = setInterval(this.check, this.periodMs);
    this.timer.unref();
    this.check();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.redis.off('ready', this.check);
    await this.checking;
  }

  private readonly check = (): void => {
    this.checking ??= this.compare()
      .catch((error: unknown) => {
        // Redis does not answer (the next check, or its return, tells), or the repair failed.
        if (this.repairPending) this.logger.warn({ err: error }, 'repair after Redis data loss failed; retrying');
      })
      .finally(() => {
        this.checking = undefined;
      });
  };

  private async compare(): Promise<void> {
    const markers = this.markerKeys();
    const currents = await Promise.all(
      markers.map(async (key) => {
        const marker = randomUUID();
        // SET NX GET: writes our marker if there is none, and returns the one there was.
        const previous = await this.redis.set(key, marker, 'NX', 'GET');
        return previous ?? marker;
      }),
    );
    markers.forEach((key, index) => {
      const current = currents[index] as string;
      const seen = this.seen.get(key);
      if (seen !== undefined && current !== seen) {
        this.logger.warn(
          { marker: key },
          'Redis lost its data (restart, failover or flush); repairing what depended on it',
        );
        this.repairPending = true;
      }
      this.seen.set(key, current);
    });
    if (!this.repairPending) return;
    await this.onLoss();
    this.repairPending = false;
  }

  /** The marker keys to check now: one per master of a cluster, the one key on a single Redis. */
  private markerKeys(): string[] {
    if (!(this.redis instanceof Cluster)) return [this.key];
    // slots[slot][0] is the master that owns `slot` (empty until the cluster's slots are known).
    const owners = this.redis.slots;
    const masters = new Set(owners.map((nodes) => nodes?.[0]).filter(Boolean));
    const chosen = new Map<string, string>();
    for (let n = 0; chosen.size < masters.size && n < 100_000; n++) {
      const key = `${this.prefix}:{data-set:${n}}`;
      const master = owners[keySlot(key)]?.[0];
      if (master !== undefined && !chosen.has(master)) chosen.set(master, key);
    }
    return [...chosen.values()];
  }
}
