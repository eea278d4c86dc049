import { expect, vi } from 'vitest';

export interface Tracked<T> {
  id: string;
  data: T;
}

/** Collects a subscription's events so a test can wait for the one it expects. */
export class Recorder<T> {
  readonly events: Tracked<T>[] = [];
  readonly errors: unknown[] = [];
  started = false;

  onData = (event: Tracked<T>) => {
    this.events.push(event);
  };
  onError = (error: unknown) => {
    this.errors.push(error);
  };
  onStarted = () => {
    this.started = true;
  };

  get last(): Tracked<T> | undefined {
    return this.events.at(-1);
  }

  async waitFor(predicate: (event: Tracked<T>) => boolean, timeout = 20_000): Promise<Tracked<T>> {
    return vi.waitFor(
      () => {
        const match = this.events.find(predicate);
        expect(match, `no matching event among ${JSON.stringify(this.events.map((e) => e.data))}`).toBeDefined();
        return match as Tracked<T>;
      },
      { timeout, interval: 20 },
    );
  }
}

/** The order of a tracked stats id `<epoch>-<version>`, as one comparable number. */
export function statsOrderOf(id: string): bigint {
  const [epoch = '0', version = '0'] = id.split('-');
  return BigInt(epoch) * 10n ** 12n + BigInt(version);
}

/** Ascending, for `Array.prototype.sort`. */
export const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** The live version of a `live.onUpdate` id `<live version>.<stats epoch>-<stats version>`. */
export function liveVersionOf(id: string): number {
  return Number(id.split('.')[0]);
}

/** The stats part of a `live.onUpdate` id, as `statsOrderOf` orders it. */
export function liveStatsOrderOf(id: string): bigint {
  return statsOrderOf(id.split('.')[1] ?? '0-0');
}
