/** How fast one key's updates may go out. */
export interface Pace {
  intervalMs: number;
  /** Deliveries allowed at once after a quiet spell (a fraction absorbs late timers). */
  burst: number;
}

/**
 * Rate-limits updates per key with a token bucket: an update goes out at once while the key has a
 * token; otherwise only the latest one is kept and delivered as soon as a token is back. A burst of
 * any size costs at most `burst` deliveries at once and then one per `intervalMs`, and the last
 * delivery is always the latest value.
 *
 * A bucket rather than a fixed window restarted at each delivery: updates arriving at about the
 * limit's own rate would otherwise land just inside each window, and every late timer (a busy event
 * loop) would push the next window later, so each update waited longer than the last. The bucket's
 * fractional burst absorbs that jitter instead. It cannot absorb a late update followed by an
 * on-time one when updates come at exactly its rate: the token spent early never comes back, and
 * every later update waits as long. So callers pace it above the rate they feed it (`StatsFanout`).
 *
 * Each push may name its own pace (a live's stats go slower once its audience is huge): the bucket
 * refills at the pace of the push that last touched it. A value already waiting keeps the wait it
 * was given, so a key slowed down and sped up again waits at most one slow interval once.
 */
export class Coalescer<T> {
  private readonly buckets = new Map<string, Bucket<T>>();
  private readonly janitor: NodeJS.Timeout;

  constructor(
    private readonly pace: Pace,
    private readonly deliver: (key: string, value: T) => void,
  ) {
    // Idle keys (full bucket, nothing waiting) are forgotten, so memory follows the active keys only.
    this.janitor = setInterval(() => this.forgetIdle(), Math.max(1_000, pace.intervalMs * pace.burst * 10));
    this.janitor.unref();
  }

  /** Delivers `value` now or as the latest of `key` once a token is back; `pace` overrides the default. */
  push(key: string, value: T, pace: Pace = this.pace): void {
    const bucket = this.refilled(key, pace);
    if (bucket.timer === undefined && bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.deliver(key, value);
      return;
    }
    bucket.latest = value;
    bucket.timer ??= setTimeout(() => this.release(key), Math.ceil((1 - bucket.tokens) * pace.intervalMs));
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
    if (latest !== undefined) this.push(key, latest, bucket.pace);
  }

  /** The key's bucket, refilled for the time since it was last refilled, at the pace it had then. */
  private refilled(key: string, pace?: Pace): Bucket<T> {
    const now = performance.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const initial = pace ?? this.pace;
      bucket = { tokens: initial.burst, refilledAt: now, latest: undefined, timer: undefined, pace: initial };
      this.buckets.set(key, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(bucket.pace.burst, bucket.tokens + (now - bucket.refilledAt) / bucket.pace.intervalMs);
    bucket.refilledAt = now;
    if (pace) {
      bucket.pace = pace;
      bucket.tokens = Math.min(pace.burst, bucket.tokens);
    }
    return bucket;
  }

  private forgetIdle(): void {
    for (const key of [...this.buckets.keys()]) {
      const bucket = this.refilled(key);
      if (bucket.timer === undefined && bucket.tokens >= bucket.pace.burst) this.buckets.delete(key);
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
  pace: Pace;
}
