import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { EventDefinition, EventPayload } from './events';

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
  redis: Redis;
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
    this.options = { claimIdleMs: 30_000, blockMs: 1_000, maxDeliveries: 10, concurrency: 1, ...options };
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

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    const { logger, group } = this.options;
    while (this.running) {
      try {
        await this.ensureGroup();
        while (this.running) {
          if (Date.now() - this.lastClaim >= Math.min(this.options.claimIdleMs, 5_000)) await this.reclaim();
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

  private async process(entries: StreamEntry[]): Promise<void> {
    const { concurrency } = this.options;
    for (let start = 0; start < entries.length; start += concurrency) {
      await Promise.all(entries.slice(start, start + concurrency).map((entry) => this.processOne(entry)));
    }
  }

  private async processOne([streamId, fields]: StreamEntry): Promise<void> {
    const { redis, streamKey, group, logger } = this.options;
    const record = toRecord(fields);
    const type = record.type ?? 'unknown';
    const registered = this.handlers.get(type);
    if (!registered) {
      // Not an event this group reacts to.
      await redis.xack(streamKey, group, streamId);
      return;
    }
    const delivered: DeliveredEvent = { streamId, outboxId: Number(record.outboxId), type };
    try {
      const payload = registered.event.schema.parse(JSON.parse(record.payload ?? 'null'));
      await registered.handle(payload, delivered);
      await redis.xack(streamKey, group, streamId);
      this.handled?.inc({ group, type, outcome: 'ok' });
    } catch (error) {
      this.handled?.inc({ group, type, outcome: 'error' });
      logger.error({ err: error, group, type, streamId }, 'event handler failed; the event will be redelivered');
      await this.deadLetterIfExhausted(streamId, fields);
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

function toRecord(fields: string[]): Record<string, string | undefined> {
  const record: Record<string, string | undefined> = {};
  for (let index = 0; index + 1 < fields.length; index += 2) record[fields[index] as string] = fields[index + 1];
  return record;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
