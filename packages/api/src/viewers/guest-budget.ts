import { randomUUID } from 'node:crypto';
import { type RedisClient, readLua } from '../infra/redis';

const guestBudgetScript = readLua(new URL('./lua/guest-budget.lua', import.meta.url));

/**
 * How many guest viewers one client address may mint per minute, shared by every instance: one
 * atomic script on one key per address, hash-tagged so that it also runs on a Redis Cluster.
 */
export class GuestBudget {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly perMinute: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Takes one mint from the address's budget: 0 when granted, else the milliseconds to wait. */
  async take(address: string): Promise<number> {
    const key = `${this.prefix}:{guest-budget:${address}}`;
    const waitMs = await guestBudgetScript.run(this.redis, [key], [this.perMinute, this.windowMs, randomUUID()]);
    return Number(waitMs);
  }
}
