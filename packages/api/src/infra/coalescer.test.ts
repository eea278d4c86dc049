import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Coalescer } from './coalescer';

describe('Coalescer', () => {
  let delivered: [string, number, number][];
  let coalescer: Coalescer<number>;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
    delivered = [];
    coalescer = new Coalescer<number>({ intervalMs: 100, burst: 1.5 }, (key, value) =>
      delivered.push([key, value, performance.now()]),
    );
  });
  afterEach(() => {
    coalescer.clear();
    vi.useRealTimers();
  });

  it('delivers at once while the key has a token', () => {
    coalescer.push('a', 1);
    coalescer.push('b', 1);
    expect(delivered.map(([key, value]) => [key, value])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });

  it('turns a burst into about ten deliveries a second, ending on the latest value', () => {
    for (let value = 1; value <= 1_000; value++) {
      coalescer.push('live', value);
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(500);
    // 1 s of pushes: the first at once, then one per 100 ms (the half token of burst allows one more).
    expect(delivered.length).toBeGreaterThanOrEqual(10);
    expect(delivered.length).toBeLessThanOrEqual(12);
    expect(delivered.at(-1)?.[1]).toBe(1_000);
    const values = delivered.map(([, value]) => value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });

  it('never holds updates that arrive at its own rate, even when timers fire late', () => {
    for (let value = 1; value <= 50; value++) {
      coalescer.push('live', value);
      // Updates every 100 ms, with the jitter of a busy event loop.
      vi.advanceTimersByTime(value % 2 === 0 ? 92 : 108);
    }
    expect(delivered.map(([, value]) => value)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
  });

  it('lags for good behind a source at exactly its rate after one late update, and catches up with headroom', () => {
    /** Lateness of each update's delivery when updates come every 100 ms and the tenth is 60 ms late. */
    const lagsAt = (intervalMs: number) => {
      const pushedAt = new Map<number, number>();
      const lags: number[] = [];
      const paced = new Coalescer<number>({ intervalMs, burst: 1.5 }, (_, value) =>
        lags.push(performance.now() - (pushedAt.get(value) ?? Number.NaN)),
      );
      for (let value = 1; value <= 30; value++) {
        setTimeout(
          () => {
            pushedAt.set(value, performance.now());
            paced.push('live', value);
          },
          value * 100 + (value === 10 ? 60 : 0),
        );
      }
      vi.advanceTimersByTime(3_200);
      paced.clear();
      return lags;
    };
    // At its own rate the bucket never gets a token back: every update after the late one waits.
    expect(lagsAt(100).slice(-10)).toEqual(Array(10).fill(10));
    // A quarter faster than the source (the fan-out's pace), it is back to no wait within a few updates.
    const withHeadroom = lagsAt(80);
    expect(withHeadroom.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(withHeadroom.slice(13)).toEqual(Array(withHeadroom.length - 13).fill(0));
  });
});
