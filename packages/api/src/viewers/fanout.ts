import { type TrackedEnvelope, tracked } from '@trpc/server';
import type { Logger } from 'pino';
import { Gauge, Histogram, type Registry } from 'prom-client';
import { z } from 'zod';
import { Coalescer, type Pace } from '../infra/coalescer';
import { type Channel, defineChannel, Feed, type RealtimeHub } from '../infra/realtime';
import { keySlot } from '../infra/redis';
import { trackedFrame } from '../infra/sse';
import type { VersionedStats } from './presence';
import { type ViewerStats, viewerStatsSchema } from './schema';
import { isNewer, nothingSeen, type StatsOrder, statsOrderId } from './stats-order';

/**
 * A live's subscribers get its stats changes at up to 12.5 events a second (on average; bursts of 1.5
 * absorb late timers): a quarter above the 10 changes a second the platform is sized for, because a
 * token bucket fed at exactly its own rate never gets a token back, so one late timer would delay
 * every later change by as much, for good (bench/src/viewers/FINDINGS.md, section 1).
 */
const fanoutPace: Pace = { intervalMs: 80, burst: 1.5 };
/**
 * Publishers coalesce too, but finer (40 a second): enough to turn thousands of joins a second into a
 * few dozen pub/sub messages, without adding a second wait in series with the fan-out's.
 */
const publishPace: Pace = { intervalMs: 25, burst: 2 };
/** Subscribers written per turn of the event loop (about 10 ms of socket writes). */
const WRITE_SLICE = 1_000;

/**
 * The update rate that scales: above `above` viewers a live's stats are published and fanned out at
 * most once per `intervalMs` (STATS_THROTTLE_ABOVE, STATS_THROTTLED_INTERVAL_MS), still ending on the
 * latest value, so a mega-live costs its instances one pub/sub message and one SSE frame per
 * subscriber per interval, whatever its joins and leaves.
 */
export interface StatsThrottle {
  above: number;
  intervalMs: number;
}

/** The pace of one update: the coalescer's own below the threshold, the throttled one above. */
function paceOf(update: VersionedStats, throttle: StatsThrottle, normal: Pace): Pace {
  return update.stats.current > throttle.above ? { intervalMs: throttle.intervalMs, burst: 1 } : normal;
}

const versionedStatsSchema = z.object({
  epoch: z.number().int().nonnegative(),
  version: z.number().int().nonnegative(),
  stats: viewerStatsSchema,
});

/** Changes of one live, for its subscribers on every instance: in the live's slot, like its keys. */
export const liveStatsChannel = (liveId: string): Channel<VersionedStats> =>
  defineChannel(`{live:${liveId}}:viewers.stats`, versionedStatsSchema);

/**
 * Changes of every live, for the overview (the dashboard's list of lives), over a few channels each
 * in a slot of its own: every stats change of every live goes to the overview, so one channel would
 * put the whole platform's fan-out on one shard of a Redis Cluster. A live always publishes on the
 * same bucket (its changes stay in order); a listener of the overview listens to every bucket.
 */
const overviewBuckets = 16;
const allStatsChannels: Channel<VersionedStats>[] = Array.from({ length: overviewBuckets }, (_, bucket) =>
  defineChannel(`{viewers.stats:${bucket}}`, versionedStatsSchema),
);

/** The overview's bucket that a live's changes go to. */
export function allStatsChannelOf(liveId: string): Channel<VersionedStats> {
  return allStatsChannels[keySlot(liveId) % overviewBuckets] as Channel<VersionedStats>;
}

/** Listens to the changes of every live (every bucket of the overview); resolves with the unlisten. */
export async function listenToAllStats(
  hub: RealtimeHub,
  listener: (update: VersionedStats) => void,
): Promise<() => void> {
  const listening = await Promise.allSettled(allStatsChannels.map((channel) => hub.listen(channel, listener)));
  const unlisten = () => {
    for (const result of listening) if (result.status === 'fulfilled') result.value();
  };
  const failure = listening.find((result) => result.status === 'rejected');
  if (failure) {
    unlisten();
    throw failure.reason;
  }
  return unlisten;
}

/**
 * Publishes stats changes to every server instance, coalesced per live: a burst of thousands of joins
 * on this instance becomes at most forty messages a second on the live's channel, and 12.5 on the
 * overview's (whose subscribers, the dashboards' lists, get every live's changes without a fan-out
 * stage of their own), the last one always carrying the latest stats. Above the throttle's threshold,
 * one message per throttled interval on each.
 */
export class StatsPublisher {
  private readonly perLive: Coalescer<VersionedStats>;
  private readonly overview: Coalescer<VersionedStats>;
  private readonly paces: Pace[] = [publishPace, fanoutPace];

  constructor(
    private readonly hub: RealtimeHub,
    private readonly logger: Logger,
    private readonly throttle: StatsThrottle,
  ) {
    this.perLive = new Coalescer(publishPace, (liveId, value) => this.publish(liveStatsChannel(liveId), value));
    this.overview = new Coalescer(fanoutPace, (liveId, value) => this.publish(allStatsChannelOf(liveId), value));
  }

  changed(current: VersionedStats): void {
    [this.perLive, this.overview].forEach((coalescer, index) => {
      const waiting = coalescer.pending(current.stats.liveId);
      const pace = paceOf(current, this.throttle, this.paces[index] as Pace);
      if (!waiting || isNewer(current, waiting)) coalescer.push(current.stats.liveId, current, pace);
    });
  }

  private publish(channel: Channel<VersionedStats>, value: VersionedStats): void {
    this.hub.publish(channel, value).catch((error: unknown) => {
      // Subscribers converge on the next change or on reconnect (the first event is a fresh snapshot).
      this.logger.warn({ err: error, liveId: value.stats.liveId }, 'viewer stats not published');
    });
  }

  close(): void {
    this.perLive.clear();
    this.overview.clear();
  }
}

/** One local subscriber of a live's stats: an SSE response of the data plane, or a tRPC subscription. */
export interface StatsSubscriber {
  /** The stats last sent, so nothing older or repeated is ever sent. */
  lastSent: StatsOrder;
  /** `frame` is the tracked SSE frame, serialized once per update for all subscribers. */
  send(update: VersionedStats, frame: Buffer): void;
}

interface LiveGroup {
  subscribers: Set<StatsSubscriber>;
  latest: VersionedStats | undefined;
  /** The SSE frame of `latest`, serialized once however many slices and subscribers it goes to. */
  frame: { of: VersionedStats; bytes: Buffer } | undefined;
  listening: Promise<() => void>;
}

/**
 * This instance's subscribers, grouped by live. One hub listener per live (one Redis subscription
 * per instance, not per client); each update is serialized once and the same bytes go to every
 * subscriber of the live, at most once per `fanoutPace` interval (once per throttled interval above
 * the throttle's threshold), ending on the latest value.
 */
export class StatsFanout {
  private readonly groups = new Map<string, LiveGroup>();
  private readonly coalescer: Coalescer<true>;
  private readonly subscriberGauge: Gauge;
  private readonly fanoutDelay: Histogram;

  constructor(
    private readonly hub: RealtimeHub,
    private readonly snapshot: (liveId: string) => Promise<VersionedStats>,
    registry: Registry,
    private readonly throttle: StatsThrottle,
  ) {
    this.coalescer = new Coalescer(fanoutPace, (liveId) => this.flush(liveId));
    const groups = this.groups;
    this.subscriberGauge = new Gauge({
      name: 'onair_viewer_stats_subscribers',
      help: 'Subscribers of viewer stats on this instance',
      registers: [registry],
      collect() {
        let count = 0;
        for (const group of groups.values()) count += group.subscribers.size;
        this.set(count);
      },
    });
    this.fanoutDelay = new Histogram({
      name: 'onair_viewer_stats_fanout_delay_seconds',
      help: 'Delay from a viewer count change (Redis clock) to its delivery to this instance’s subscribers',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5],
      registers: [registry],
    });
  }

  /**
   * Adds a subscriber and sends it the current snapshot first. Listening starts before the
   * snapshot is read, so no change can fall between the two.
   */
  async subscribe(liveId: string, subscriber: StatsSubscriber): Promise<() => void> {
    let group = this.groups.get(liveId);
    if (!group) {
      const created: LiveGroup = {
        subscribers: new Set(),
        latest: undefined,
        frame: undefined,
        listening: Promise.resolve(() => {}),
      };
      created.listening = this.hub.listen(liveStatsChannel(liveId), (update) => this.received(liveId, update));
      this.groups.set(liveId, created);
      group = created;
    }
    group.subscribers.add(subscriber);
    const release = () => this.unsubscribe(liveId, subscriber);
    try {
      await group.listening;
      const current = await this.snapshot(liveId);
      const latest = group.latest && isNewer(group.latest, current) ? group.latest : current;
      if (group.subscribers.has(subscriber)) deliver(subscriber, latest, encode(latest));
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  private unsubscribe(liveId: string, subscriber: StatsSubscriber): void {
    const group = this.groups.get(liveId);
    if (!group?.subscribers.delete(subscriber) || group.subscribers.size > 0) return;
    this.groups.delete(liveId);
    void group.listening.then((unlisten) => unlisten()).catch(() => {});
  }

  private received(liveId: string, update: VersionedStats): void {
    const group = this.groups.get(liveId);
    if (!group || (group.latest && !isNewer(update, group.latest))) return;
    group.latest = update;
    this.coalescer.push(liveId, true, paceOf(update, this.throttle, fanoutPace));
  }

  private flush(liveId: string): void {
    const group = this.groups.get(liveId);
    if (!group?.latest) return;
    this.writeSlice(group, [...group.subscribers], 0);
  }

  /**
   * Writes to a slice of the subscribers, then lets the event loop breathe before the next slice:
   * thousands of socket writes in one go would hold back the joins and pub/sub messages that
   * carry the next update. A slice always writes the newest frame, so a later update overtakes.
   */
  private writeSlice(group: LiveGroup, subscribers: StatsSubscriber[], start: number): void {
    const latest = group.latest;
    if (!latest) return;
    if (group.frame?.of !== latest) group.frame = { of: latest, bytes: encode(latest) };
    const frame = group.frame.bytes;
    const end = Math.min(start + WRITE_SLICE, subscribers.length);
    for (let index = start; index < end; index++) {
      const subscriber = subscribers[index] as StatsSubscriber;
      if (group.subscribers.has(subscriber)) deliver(subscriber, latest, frame);
    }
    if (end < subscribers.length) setImmediate(() => this.writeSlice(group, subscribers, end));
    else this.fanoutDelay.observe(Math.max(0, Date.now() - Date.parse(latest.stats.updatedAt)) / 1000);
  }

  /** Subscribers and live groups on this instance, for metrics and leak tests. */
  counts(): { subscribers: number; lives: number } {
    let subscribers = 0;
    for (const group of this.groups.values()) subscribers += group.subscribers.size;
    return { subscribers, lives: this.groups.size };
  }

  close(): void {
    this.coalescer.clear();
    this.subscriberGauge.set(0);
  }
}

function encode(update: VersionedStats): Buffer {
  return Buffer.from(trackedFrame(statsOrderId(update), JSON.stringify(update.stats)));
}

function deliver(subscriber: StatsSubscriber, update: VersionedStats, frame: Buffer): void {
  if (!isNewer(update, subscriber.lastSent)) return;
  subscriber.lastSent = update;
  subscriber.send(update, frame);
}

/**
 * What `viewer.onStats` returns: one live's stats as tracked events, the current snapshot first,
 * then each change. tRPC iterates it like any subscription; the server's data plane, which owns
 * the transport only, instead hands its SSE response to `deliverTo`, so that each update is
 * serialized once for every subscriber of the live. Nothing is subscribed until one of the two.
 */
export class StatsStream implements AsyncIterable<TrackedEnvelope<ViewerStats>> {
  constructor(
    readonly liveId: string,
    private readonly fanout: StatsFanout,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Registers a subscriber that writes the serialized frames itself; resolves to its release. */
  deliverTo(subscriber: StatsSubscriber): Promise<() => void> {
    return this.fanout.subscribe(this.liveId, subscriber);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TrackedEnvelope<ViewerStats>> {
    const latest = new Feed<VersionedStats>(this.signal, 'latest');
    try {
      latest.unlisten = await this.deliverTo({ lastSent: nothingSeen, send: (update) => latest.push(update) });
      for await (const update of latest) yield tracked(statsOrderId(update), update.stats);
    } finally {
      latest.close();
    }
  }
}
