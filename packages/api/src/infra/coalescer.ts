/**
 * Rate-limits updates per key: the first value goes out at once, later ones within `intervalMs`
 * are held and only the latest is delivered when the interval ends. A burst of any size costs at
 * most one delivery per interval per key, and the last delivery is always the latest value.
 */
export class Coalescer<T> {
  private readonly cooling = new Map<string, { latest: T | undefined; timer: NodeJS.Timeout }>();

  constructor(
    private readonly intervalMs: number,
    private readonly deliver: (key: string, value: T) => void,
  ) {}

  push(key: string, value: T): void {
    const slot = this.cooling.get(key);
    if (slot) {
      slot.latest = value;
      return;
    }
    this.cooling.set(key, { latest: undefined, timer: setTimeout(() => this.release(key), this.intervalMs) });
    this.deliver(key, value);
  }

  /** The value waiting for the end of its key's interval, if any. */
  pending(key: string): T | undefined {
    return this.cooling.get(key)?.latest;
  }

  private release(key: string): void {
    const slot = this.cooling.get(key);
    this.cooling.delete(key);
    if (slot?.latest !== undefined) this.push(key, slot.latest);
  }

  clear(): void {
    for (const slot of this.cooling.values()) clearTimeout(slot.timer);
    this.cooling.clear();
  }

  get size(): number {
    return this.cooling.size;
  }
}
