/**
 * Rate-limits updates per key with a token bucket: an update goes out at once while the key has a
 * token; otherwise only the latest one is kept and delivered as soon as a token is back. A burst of
 * any size costs at most `burst` deliveries at once and then one per `intervalMs`, and the last
 * delivery is always the latest value.
 *
 * A bucket rather than a fixed window restarted at each delivery: updates arriving at about the
 * limit's own rate would otherwise land just inside each window, and every late timer (a busy event
 * loop) would push the next window later, so each update waited longer than the last. The bucket's
 * fractional burst absorbs that lateness instead.
 */
export class Coalescer<T> {
  private readonly buckets = new Map<string, Bucket<T>>();
  private readonly janitor: NodeJS.Timeout;

  constructor(
    private readonly intervalMs: number,
    private readonly burst: number,
    private readonly deliver: (key: string, value: T) => void,
  ) {
    // Idle keys (full bucket, nothing waiting) are forgotten, so memory follows the active keys only.
    this.janitor = setInterval(() => this.forgetIdle(), Math.max(1_000, intervalMs * burst * 10));
    this.janitor.unref();
  }

  push(key: string, value: T): void {
    const bucket = this.refilled(key);
    if (bucket.timer === undefined && bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.deliver(key, value);
      return;
    }
    bucket.latest = value;
    bucket.timer ??= setTimeout(() => this.release(key), Math.ceil((1 - bucket.tokens) * this.intervalMs));
  }

  /** The value waiting for a token, if any. */
  pending(key: string): T | undefined {
    return this.buckets.get(key)?.latest;
  }

  private release(key: string): void {
    const bucket = this.refilled(key);
    bucket.timer = undefined;
    const latest = bucket.latest;
    bucket.latest = undefined;
    if (latest !== undefined) this.push(key, latest);
  }

  private refilled(key: string): Bucket<T> {
    const now = performance.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.burst, refilledAt: now, latest: undefined, timer: undefined };
      this.buckets.set(key, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.refilledAt) / this.intervalMs);
    bucket.refilledAt = now;
    return bucket;
  }

  private forgetIdle(): void {
    for (const key of [...this.buckets.keys()]) {
      const bucket = this.refilled(key);
      if (bucket.timer === undefined && bucket.tokens >= this.burst) this.buckets.delete(key);
    }
  }

  clear(): void {
    clearInterval(this.janitor);
    for (const bucket of this.buckets.values()) clearTimeout(bucket.timer);
    this.buckets.clear();
  }
}

interface Bucket<T> {
  tokens: number;
  refilledAt: number;
  latest: T | undefined;
  timer: NodeJS.Timeout | undefined;
}
