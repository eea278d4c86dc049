import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redisKey } from './redis';

/**
 * Notices that Redis lost its data (a restart without persistence, a failover to an empty replica,
 * a flush): a marker key written once per data set is gone, or was written anew by another instance.
 * Checked every `periodMs` and whenever the connection comes back, so the repairs that follow
 * (re-created jobs, say) start within seconds of Redis answering again.
 */
export class RedisDataLossWatch {
  private readonly key: string;
  private seen: string | undefined;
  /** A loss was noticed and its repair has not succeeded yet: it is tried again at every check. */
  private repairPending = false;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    prefix: string,
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
    const marker = randomUUID();
    // SET NX GET: writes our marker if there is none, and returns the one there was.
    const previous = await this.redis.set(this.key, marker, 'NX', 'GET');
    const current = previous ?? marker;
    if (this.seen !== undefined && current !== this.seen) {
      this.logger.warn('Redis lost its data (restart, failover or flush); repairing what depended on it');
      this.repairPending = true;
    }
    this.seen = current;
    if (!this.repairPending) return;
    await this.onLoss();
    this.repairPending = false;
  }
}
