import type { RedisClient } from '../infra/redis';

/**
 * The probability that a simulated stage fails: SHORT_VIDEO_FAILURE_RATE, unless an operator set
 * another at run time (a demo of failures and retries). The override lives in Redis so that every
 * worker, inline or in its own process, applies it to the jobs it starts next.
 */
export class SimulatedFaults {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    readonly configuredRate: number,
  ) {}

  /** The rate in force; the configured one when there is no override or Redis does not answer. */
  async rate(): Promise<number> {
    const override = await this.redis.get(this.key).catch(() => null);
    const rate = override === null ? Number.NaN : Number(override);
    return rate >= 0 && rate <= 1 ? rate : this.configuredRate;
  }

  /** Overrides the rate for every worker; `null` goes back to the configured one. */
  async set(rate: number | null): Promise<void> {
    if (rate === null) await this.redis.del(this.key);
    else await this.redis.set(this.key, String(rate));
  }
}
