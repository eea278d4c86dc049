import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { SubscriberLaggingError } from '../errors';
import { toTRPCError } from '../trpc';
import { Feed } from './realtime';

describe('a subscriber that falls behind', () => {
  it('is ended with a lagging error once its buffer overflows, instead of holding a backlog', async () => {
    const feed = new Feed<number>(undefined, { all: 2 });
    for (const value of [1, 2, 3]) feed.push(value);
    const received: number[] = [];
    await expect(async () => {
      for await (const value of feed) received.push(value);
    }).rejects.toBeInstanceOf(SubscriberLaggingError);
    expect(received).toEqual([]);
  });

  it('gets a retryable SERVICE_UNAVAILABLE, so tRPC clients reconnect and resume from their last id', () => {
    const error = toTRPCError(new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: new SubscriberLaggingError() }));
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).toMatch(/reconnect to resume/);
  });

  it('keeps only the newest value when it asked for the latest', async () => {
    const controller = new AbortController();
    const feed = new Feed<number>(controller.signal, 'latest');
    for (const value of [1, 2, 3]) feed.push(value);
    const iterator = feed[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ value: 3, done: false });
    controller.abort();
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });
});
