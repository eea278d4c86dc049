import type { Logger } from 'pino';
import type { z } from 'zod';
import { SubscriberLaggingError } from '../errors';
import { type RedisClient, RedisTimeoutError, redisKey } from './redis';

/**
 * A pub/sub topic and the schema of its messages. A name with a hash tag (`{live:<id>}:...`) puts
 * the channel in that tag's slot: on a Redis Cluster, the shard of that slot carries its messages.
 */
export interface Channel<T> {
  name: string;
  schema: z.ZodType<T>;
}

export function defineChannel<T>(name: string, schema: z.ZodType<T>): Channel<T> {
  return { name, schema };
}

type Listener = (value: unknown) => void;

interface Topic {
  channel: Channel<unknown>;
  listeners: Set<Listener>;
  subscribed: Promise<unknown>;
}

/**
 * Real-time fan-out across server instances: one Redis subscriber connection per process (not per
 * client; on a cluster, one per master), reference-counted channel subscriptions, and each message
 * parsed and validated once per process whatever the number of local listeners.
 *
 * Sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis 7) on a single Redis and on a cluster alike: on a
 * cluster a message goes only to the shard that owns the channel's slot (classic PUBLISH is copied
 * to every node of the cluster), so fan-out capacity grows with the masters.
 */
export class RealtimeHub {
  private readonly topics = new Map<string, Topic>();

  constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly prefix: string,
    private readonly logger: Logger,
    /** A subscription Redis has not confirmed by then fails as unavailable (a hung Redis). */
    private readonly subscribeTimeoutMs: number,
  ) {
    subscriber.on('smessage', (redisChannel: string, message: string) => this.deliver(redisChannel, message));
  }

  private redisChannel(channel: Channel<unknown>): string {
    return redisKey(this.prefix, 'rt', channel.name);
  }

  async publish<T>(channel: Channel<T>, value: T): Promise<void> {
    await this.publisher.spublish(this.redisChannel(channel as Channel<unknown>), JSON.stringify(value));
  }

  /** Resolves once Redis confirms the subscription, so nothing published afterwards is missed. */
  async listen<T>(channel: Channel<T>, listener: (value: T) => void): Promise<() => void> {
    const name = this.redisChannel(channel as Channel<unknown>);
    let topic = this.topics.get(name);
    if (!topic) {
      topic = {
        channel: channel as Channel<unknown>,
        listeners: new Set(),
        subscribed: this.subscriber.ssubscribe(name),
      };
      this.topics.set(name, topic);
    }
    const entry = listener as Listener;
    topic.listeners.add(entry);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        topic.subscribed,
        new Promise((_resolve, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new RedisTimeoutError(`Redis did not confirm a subscription within ${this.subscribeTimeoutMs} ms`),
              ),
            this.subscribeTimeoutMs,
          );
        }),
      ]);
    } catch (error) {
      this.remove(name, entry);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return () => this.remove(name, entry);
  }

  private remove(name: string, listener: Listener): void {
    const topic = this.topics.get(name);
    if (!topic?.listeners.delete(listener) || topic.listeners.size > 0) return;
    this.topics.delete(name);
    this.subscriber.sunsubscribe(name).catch((error: unknown) => {
      this.logger.warn({ err: error, channel: name }, 'unsubscribe failed');
    });
  }

  private deliver(name: string, message: string): void {
    const topic = this.topics.get(name);
    if (!topic) return;
    let value: unknown;
    try {
      value = topic.channel.schema.parse(JSON.parse(message));
    } catch (error) {
      this.logger.error({ err: error, channel: name }, 'dropped a malformed real-time message');
      return;
    }
    for (const listener of topic.listeners) listener(value);
  }

  /** Local listeners and Redis channel subscriptions, for metrics and leak tests. */
  counts(): { listeners: number; channels: number } {
    let listeners = 0;
    for (const topic of this.topics.values()) listeners += topic.listeners.size;
    return { listeners, channels: this.topics.size };
  }
}

/**
 * Buffers real-time messages for one subscriber until it reads them. Listen before reading what
 * was missed (subscribe first, then catch up), set `unlisten`, and close it in a `finally`.
 * - `'all'`: every message, in order. A subscriber that falls `maxBuffered` messages behind is ended
 *   with an error: its client reconnects and resumes from its last event id instead of the server
 *   holding an unbounded backlog.
 * - `'latest'`: only the newest message is kept: a slow reader skips stale intermediate values and
 *   always ends on the latest.
 */
export class Feed<T> implements AsyncIterable<T> {
  private readonly buffer: T[] = [];
  private wake: (() => void) | undefined;
  private overflowed = false;
  private closed = false;
  unlisten: (() => void) | undefined;

  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly keep: { all: number } | 'latest',
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private readonly onAbort = () => this.wake?.();

  push(value: T): void {
    if (this.keep === 'latest') this.buffer.splice(0, this.buffer.length, value);
    else if (this.buffer.length >= this.keep.all) this.overflowed = true;
    else this.buffer.push(value);
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    try {
      while (!this.closed && !this.signal?.aborted) {
        if (this.overflowed) throw new SubscriberLaggingError();
        if (this.buffer.length > 0) {
          yield this.buffer.shift() as T;
          continue;
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
      }
    } finally {
      this.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unlisten?.();
    this.signal?.removeEventListener('abort', this.onAbort);
    this.wake?.();
  }
}
