import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../test/support';
import type { Channel, RealtimeHub } from '../infra/realtime';
import { allStatsChannelOf, liveStatsChannel, StatsFanout, StatsPublisher, type StatsSubscriber } from './fanout';
import type { VersionedStats } from './presence';
import { nothingSeen } from './stats-order';

/** A hub in memory: what is published reaches the listeners of its channel at once. */
function memoryHub() {
  const published: { channel: string; value: VersionedStats }[] = [];
  const listeners = new Map<string, Set<(value: VersionedStats) => void>>();
  const hub = {
    async publish(channel: Channel<VersionedStats>, value: VersionedStats) {
      published.push({ channel: channel.name, value });
      for (const listener of listeners.get(channel.name) ?? []) listener(value);
    },
    async listen(channel: Channel<VersionedStats>, listener: (value: VersionedStats) => void) {
      const set = listeners.get(channel.name) ?? new Set();
      set.add(listener);
      listeners.set(channel.name, set);
      return () => set.delete(listener);
    },
  };
  return { hub: hub as unknown as RealtimeHub, published };
}

const stats = (version: number, current: number): VersionedStats => ({
  epoch: 1,
  version,
  stats: { liveId: 'mega', current, peak: current, unique: current, updatedAt: new Date(0).toISOString() },
});

const throttle = { above: 10_000, intervalMs: 1_000 };

describe('the stats update rate', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
  });
  afterEach(() => vi.useRealTimers());

  /** Five seconds of a change every millisecond, with `current` viewers; returns the live's messages. */
  const changesFor = (publisher: StatsPublisher, current: (version: number) => number) => {
    for (let version = 1; version <= 5_000; version++) {
      publisher.changed(stats(version, current(version)));
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(5_000);
  };

  it('publishes a mega-live’s stats at most once per throttled interval, ending on the latest', () => {
    const { hub, published } = memoryHub();
    const publisher = new StatsPublisher(hub, silentLogger, throttle);
    changesFor(publisher, (version) => 20_000 + version);
    const perLive = published.filter((message) => message.channel === liveStatsChannel('mega').name);
    const overview = published.filter((message) => message.channel === allStatsChannelOf('mega').name);
    // Five seconds of changes: one at once, then at most one a second (and the trailing one).
    for (const messages of [perLive, overview]) {
      expect(messages.length).toBeGreaterThanOrEqual(5);
      expect(messages.length).toBeLessThanOrEqual(6);
      expect(messages.at(-1)?.value.version).toBe(5_000);
    }
    publisher.close();
  });

  it('publishes a live below the threshold at the normal rate', () => {
    const { hub, published } = memoryHub();
    const publisher = new StatsPublisher(hub, silentLogger, throttle);
    changesFor(publisher, () => 10_000);
    const perLive = published.filter((message) => message.channel === liveStatsChannel('mega').name);
    // Forty a second on the live's channel.
    expect(perLive.length).toBeGreaterThan(150);
    expect(perLive.at(-1)?.value.version).toBe(5_000);
    publisher.close();
  });

  it('slows down as a live crosses the threshold and speeds up again below it, the latest always delivered', () => {
    const { hub, published } = memoryHub();
    const publisher = new StatsPublisher(hub, silentLogger, throttle);
    // Up past the threshold for the middle three seconds, then back down.
    changesFor(publisher, (version) => (version > 1_000 && version <= 4_000 ? 15_000 : 5_000));
    const perLive = published.filter((message) => message.channel === liveStatsChannel('mega').name);
    const during = perLive.filter((message) => message.value.stats.current > throttle.above);
    expect(during.length).toBeLessThanOrEqual(4);
    expect(perLive.at(-1)?.value.version).toBe(5_000);
    publisher.close();
  });

  it('fans a mega-live out to each subscriber at most once per throttled interval, ending on the latest', async () => {
    const { hub } = memoryHub();
    const fanout = new StatsFanout(hub, async () => stats(0, 20_000), new Registry(), throttle);
    const received: VersionedStats[] = [];
    const subscriber: StatsSubscriber = { lastSent: nothingSeen, send: (update) => received.push(update) };
    await fanout.subscribe('mega', subscriber);
    expect(received.map((update) => update.version)).toEqual([0]);
    // Every change reaches this instance (as from publishers on many instances).
    for (let version = 1; version <= 5_000; version++) {
      await hub.publish(liveStatsChannel('mega'), stats(version, 20_000 + version));
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(5_000);
    expect(received.length - 1).toBeGreaterThanOrEqual(5);
    expect(received.length - 1).toBeLessThanOrEqual(6);
    expect(received.at(-1)?.version).toBe(5_000);
    fanout.close();
  });
});
