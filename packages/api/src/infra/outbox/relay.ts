import { and, asc, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Database } from '../db/client';
import type { RedisClient } from '../redis';
import type { Outbox } from './outbox';
import { outbox } from './tables';

export interface OutboxRelayOptions {
  db: Database;
  redis: RedisClient;
  outbox: Outbox;
  streamKey: string;
  logger: Logger;
  registry: Registry;
  /** Fallback poll for rows committed by another process or before a crash. */
  pollMs?: number;
  batchSize?: number;
  /** Approximate cap on the stream's length; consumers keep up long before it matters. */
  maxStreamLength?: number;
  /** Published rows are kept this long for inspection, then deleted. */
  retentionMs?: number;
}

/**
 * Publishes committed outbox rows to the event stream, oldest first, then marks them published.
 * At-least-once: a crash between the XADD and the mark republishes the row, which consumers absorb
 * because every handler is idempotent. Rows are claimed with SKIP LOCKED, so a relay runs safely on
 * every instance at once.
 */
export class OutboxRelay {
  private readonly options: Required<OutboxRelayOptions>;
  private running = false;
  private draining: Promise<void> | undefined;
  private wakeAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private lastCleanup = 0;
  private unsubscribe: (() => void) | undefined;
  private readonly published: Counter;

  constructor(options: OutboxRelayOptions) {
    this.options = { pollMs: 1_000, batchSize: 200, maxStreamLength: 100_000, retentionMs: 7 * 86_400_000, ...options };
    const { db } = options;
    this.published = new Counter({
      name: 'onair_outbox_published_total',
      help: 'Outbox rows published to the event stream',
      registers: [options.registry],
    });
    new Gauge({
      name: 'onair_outbox_lag_seconds',
      help: 'Age of the oldest outbox row not yet published (0 when none)',
      registers: [options.registry],
      async collect() {
        const [row] = await db
          .select({ oldest: sql<string | null>`min(${outbox.createdAt})` })
          .from(outbox)
          .where(isNull(outbox.publishedAt))
          .catch(() => [{ oldest: null }]);
        this.set(row?.oldest ? Math.max(0, (Date.now() - new Date(row.oldest).getTime()) / 1000) : 0);
      },
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.outbox.onCommitted(() => this.wake());
    this.wake();
  }

  /** Publish now (coalesced: a wake during a drain runs one more drain right after). */
  wake(): void {
    if (!this.running) return;
    if (this.draining) {
      this.wakeAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (!this.running) return;
      if (this.wakeAgain) {
        this.wakeAgain = false;
        this.wake();
      } else {
        this.timer = setTimeout(() => this.wake(), this.options.pollMs);
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.running && (await this.publishBatch()) === this.options.batchSize) {}
      await this.cleanup();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'outbox relay could not publish; retrying');
    }
  }

  /** Publishes one batch; returns how many rows it published. */
  async publishBatch(): Promise<number> {
    const { db, redis, streamKey, batchSize, maxStreamLength } = this.options;
    const count = await db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(outbox)
        .where(isNull(outbox.publishedAt))
        .orderBy(asc(outbox.id))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      if (rows.length === 0) return 0;
      const pipeline = redis.pipeline();
      for (const row of rows) {
        pipeline.xadd(
          streamKey,
          'MAXLEN',
          '~',
          maxStreamLength,
          '*',
          'type',
          row.type,
          'payload',
          JSON.stringify(row.payload),
          'outboxId',
          String(row.id),
        );
      }
      const results = await pipeline.exec();
      const failure = results?.find(([error]) => error);
      if (!results || failure) throw failure?.[0] ?? new Error('Redis pipeline was discarded');
      await tx
        .update(outbox)
        .set({ publishedAt: new Date() })
        .where(
          inArray(
            outbox.id,
            rows.map((row) => row.id),
          ),
        );
      return rows.length;
    });
    this.published.inc(count);
    return count;
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < 3_600_000) return;
    this.lastCleanup = Date.now();
    const cutoff = new Date(Date.now() - this.options.retentionMs);
    await this.options.db.delete(outbox).where(and(isNotNull(outbox.publishedAt), lt(outbox.publishedAt, cutoff)));
  }
}
