import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { EventDefinition, EventPayload } from './events';
import type { RedisClient } from './redis';

export interface DeliveredEvent {
  /** The stream entry id. */
  streamId: string;
  /** The outbox row id: the same for every redelivery of one event. */
  outboxId: number;
  type: string;
}

type Handler = (payload: unknown, event: DeliveredEvent) => Promise<void>;

export interface EventConsumerOptions {
  /** A connection of its own: XREADGROUP BLOCK holds it. */
  redis: RedisClient;
  streamKey: string;
  /** One consumer group per consuming domain; each group sees every event once. */
  group: string;
  logger: Logger;
  registry?: Registry;
  /** Entries a consumer took but did not acknowledge for this long are reclaimed by another. */
  claimIdleMs?: number;
  blockMs?: number;
  /** After this many failed deliveries an event is moved to the dead-letter stream. */
  maxDeliveries?: number;
  /**
   * Events handled at once. 1 (the default) handles them in stream order; more suits a group whose
   * handlers are independent of each other's order (e.g. one event per entity), and spends the time
   * of a handler's round trips on the next events instead of waiting.
   */
  concurrency?: number;
}

type StreamEntry = [id: string, fields: string[]];

/**
 * Reads the event stream as one member of a consumer group. Delivery is at least once: an entry is
 * acknowledged only after its handler succeeded, entries left pending by a dead consumer are taken
 * over with XAUTOCLAIM, and handlers are idempotent so redelivery never duplicates an effect.
 */
export class EventConsumer {
  private readonly handlers = new Map<string, { event: EventDefinition; handle: Handler }>();
  private readonly options: Required<Omit<EventConsumerOptions, 'registry'>>;
  readonly name = `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private running = false;
  private loop: Promise<void> | undefined;
  private lastClaim = 0;
  private readonly handled: Counter<'group' | 'type' | 'outcome'> | undefined;

  constructor(options: EventConsumerOptions) {
    this.options = { claimIdleMs: 5_000, blockMs: 1_000, maxDeliveries: 10, concurrency: 1, ...options };
    if (options.registry) {
      this.handled =
        (options.registry.getSingleMetric('onair_events_handled_total') as Counter<'group' | 'type' | 'outcome'>) ??
        new Counter({
          name: 'onair_events_handled_total',
          help: 'Domain events handled by consumer group, type and outcome',
          labelNames: ['group', 'type', 'outcome'] as const,
          registers: [options.registry],
        });
    }
  }

  on<TEvent extends EventDefinition>(
    event: TEvent,
    handle: (payload: EventPayload<TEvent>, delivered: DeliveredEvent) => Promise<void>,
  ): this {
    this.handlers.set(event.type, { event, handle: handle as Handler });
    return this;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Lets the event in hand finish, then stops. If Redis is unreachable the read never returns, so
   * after a grace period the connection is cut: an unacknowledged event is simply redelivered.
   */
  async stop(): Promise<void> {
    this.running = false;
    const stopped = () =>
      Promise.race([this.loop?.then(() => true), sleep(this.options.blockMs + 2_000).then(() => false)]);
    if (await stopped()) return;
    this.options.redis.disconnect();
    // A connection between reconnection attempts may never reject what it queued: stop waiting then.
    await stopped();
  }

  private async run(): Promise<void> {
    const { logger, group } = this.options;
    while (this.running) {
      try {
        await this.ensureGroup();
        while (this.running) {
          if (Date.now() - this.lastClaim >= Math.min(this.options.claimIdleMs, 1_000)) await this.reclaim();
          await this.readNew();
        }
      } catch (error) {
        if (!this.running) break;
        logger.warn({ err: error, group }, 'event consumer interrupted; retrying');
        await sleep(500);
      }
    }
  }

  private async ensureGroup(): Promise<void> {
    try {
      // From the beginning of the stream: events published before the group existed still count.
      await this.options.redis.xgroup('CREATE', this.options.streamKey, this.options.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.includes('BUSYGROUP'))) throw error;
    }
  }

  private async readNew(): Promise<void> {
    const { redis, streamKey, group, blockMs } = this.options;
    const reply = (await redis.xreadgroup(
      'GROUP',
      group,
      this.name,
      'COUNT',
      100,
      'BLOCK',
      blockMs,
      'STREAMS',
      streamKey,
      '>',
    )) as [string, StreamEntry[]][] | null;
    for (const [, entries] of reply ?? []) await this.process(entries);
  }

  /** Takes over entries another consumer (probably dead) took but never acknowledged. */
  private async reclaim(): Promise<void> {
    const { redis, streamKey, group, claimIdleMs } = this.options;
    this.lastClaim = Date.now();
    let cursor = '0-0';
    do {
      const [next, entries] = (await redis.xautoclaim(
        streamKey,
        group,
        this.name,
        claimIdleMs,
        cursor,
        'COUNT',
        100,
      )) as [string, (StreamEntry | null)[], ...unknown[]];
      cursor = next;
      await this.process(entries.filter((entry): entry is StreamEntry => entry !== null));
    } while (cursor !== '0-0' && this.running);
  }

  /**
   * Handles the entries `concurrency` at a time and acknowledges those handled (and those this group
   * does not react to) together, one XACK per ~`ackEveryMs` rather than one round trip per entry: an
   * entry is still acknowledged only after its handler succeeded, just not always at once.
   */
  private async process(entries: StreamEntry[]): Promise<void> {
    const { concurrency } = this.options;
    const done: { streamId: string; type?: string }[] = [];
    const handled: [string, string[]][] = [];
    for (const entry of entries) {
      // Not an event this group reacts to: nothing to do but acknowledge it.
      if (this.handlers.has(typeOf(entry[1]))) handled.push(entry);
      else done.push({ streamId: entry[0] });
    }
    let acknowledgedAt = performance.now();
    for (let start = 0; start < handled.length; start += concurrency) {
      const outcomes = await Promise.all(
        handled.slice(start, start + concurrency).map((entry) => this.processOne(entry)),
      );
      for (const outcome of outcomes) if (outcome) done.push(outcome);
      if (performance.now() - acknowledgedAt >= ackEveryMs) {
        await this.acknowledge(done.splice(0));
        acknowledgedAt = performance.now();
      }
    }
    await this.acknowledge(done);
  }

  private async acknowledge(done: { streamId: string; type?: string }[]): Promise<void> {
    if (done.length === 0) return;
    const { redis, streamKey, group } = this.options;
    await redis.xack(streamKey, group, ...done.map((entry) => entry.streamId));
    for (const { type } of done) if (type) this.handled?.inc({ group, type, outcome: 'ok' });
  }

  /** Runs the entry's handler; returns it to acknowledge when the handler succeeded. */
  private async processOne([streamId, fields]: StreamEntry): Promise<{ streamId: string; type: string } | undefined> {
    const { group, logger } = this.options;
    const record = toRecord(fields);
    const type = record.type ?? 'unknown';
    const registered = this.handlers.get(type);
    if (!registered) return { streamId, type };
    const delivered: DeliveredEvent = { streamId, outboxId: Number(record.outboxId), type };
    try {
      const payload = registered.event.schema.parse(JSON.parse(record.payload ?? 'null'));
      await registered.handle(payload, delivered);
      return { streamId, type };
    } catch (error) {
      this.handled?.inc({ group, type, outcome: 'error' });
      logger.error({ err: error, group, type, streamId }, 'event handler failed; the event will be redelivered');
      await this.deadLetterIfExhausted(streamId, fields);
      return undefined;
    }
  }

  private async deadLetterIfExhausted(streamId: string, fields: string[]): Promise<void> {
    const { redis, streamKey, group, maxDeliveries, logger } = this.options;
    const pending = (await redis.xpending(streamKey, group, streamId, streamId, 1)) as [
      string,
      string,
      number,
      number,
    ][];
    const deliveries = pending[0]?.[3] ?? 0;
    if (deliveries < maxDeliveries) return;
    await redis.xadd(`${streamKey}:dead`, '*', ...fields, 'group', group, 'streamId', streamId);
    await redis.xack(streamKey, group, streamId);
    logger.error({ group, streamId, deliveries }, 'event moved to the dead-letter stream');
  }
}

/** Entries handled and not yet acknowledged wait at most about this long (plus one round of handlers). */
const ackEveryMs = 50;

function typeOf(fields: string[]): string {
  for (let index = 0; index + 1 < fields.length; index += 2)
    if (fields[index] === 'type') return fields[index + 1] as string;
  return 'unknown';
}

function toRecord(fields: string[]): Record<string, string | undefined> {
  const record: Record<string, string | undefined> = {};
  for (let index = 0; index + 1 < fields.length; index += 2) record[fields[index] as string] = fields[index + 1];
  return record;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
