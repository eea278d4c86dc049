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

  async waitFor(predicate: (event: Tracked<T>) => boolean, timeout = 5_000): Promise<Tracked<T>> {
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
