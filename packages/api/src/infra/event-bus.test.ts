import { isNull } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { describe, expect, vi } from 'vitest';
import { z } from 'zod';
import { silentLogger, test, type testRedis } from '../../test/support';
import type { DatabaseHandle } from './db/client';
import { EventConsumer } from './event-consumer';
import { defineEvent } from './events';
import { Outbox } from './outbox/outbox';
import { OutboxRelay } from './outbox/relay';
import { outbox as outboxTable } from './outbox/tables';

const somethingHappened = defineEvent('test.happened', z.object({ n: z.number().int() }));

describe('outbox relay and event consumers', () => {
  let redis: ReturnType<typeof testRedis>;
  let database: DatabaseHandle;
  let outbox: Outbox;
  let relay: OutboxRelay;
  let stream: string;
  const consumers: EventConsumer[] = [];

  // One PGlite for the file, emptied for each test; each test has its own stream under its own prefix.
  test.beforeEach(async ({ emptyDatabase, redis: testConnections, prefix }) => {
    stream = `${prefix}:events`;
    redis = testConnections;
    database = emptyDatabase;
    outbox = new Outbox();
    relay = new OutboxRelay({
      db: database.db,
      redis: redis.connect(),
      outbox,
      streamKey: stream,
      logger: silentLogger,
      registry: new Registry(),
      batchSize: 7,
    });
  });

  // Before the fixtures delete the test's keys and the next test empties the tables.
  test.afterEach(async () => {
    await relay.stop();
    await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
  });

  /** A consumer with the production defaults, unless the test shortens how long a claim waits. */
  const consumer = (group: string, claimIdleMs?: number) => {
    const created = new EventConsumer({
      redis: redis.connect(),
      streamKey: stream,
      group,
      logger: silentLogger,
      ...(claimIdleMs === undefined ? {} : { claimIdleMs }),
      blockMs: 100,
    });
    consumers.push(created);
    return created;
  };

  const commit = async (count: number) => {
    await database.db.transaction(async (tx) => {
      for (let n = 0; n < count; n++) await outbox.append(tx, somethingHappened, { n });
    });
    outbox.committed();
  };

  test('publishes committed events in order, once per consumer group, and marks them published', async () => {
    const seenByA: number[] = [];
    const seenByB: number[] = [];
    consumer('a')
      .on(somethingHappened, async ({ n }) => {
        seenByA.push(n);
      })
      .start();
    consumer('b')
      .on(somethingHappened, async ({ n }) => {
        seenByB.push(n);
      })
      .start();
    relay.start();
    await commit(20);
    const expected = Array.from({ length: 20 }, (_, n) => n);
    await vi.waitFor(() => expect(seenByA).toEqual(expected), { timeout: 5_000 });
    await vi.waitFor(() => expect(seenByB).toEqual(expected), { timeout: 5_000 });
    const unpublished = await database.db.select().from(outboxTable).where(isNull(outboxTable.publishedAt));
    expect(unpublished).toEqual([]);
  });

  test('publishes rows committed while no relay ran (a crash after commit) once a relay starts', async () => {
    await commit(3);
    const seen: number[] = [];
    consumer('late')
      .on(somethingHappened, async ({ n }) => {
        seen.push(n);
      })
      .start();
    relay.start();
    await vi.waitFor(() => expect(seen).toEqual([0, 1, 2]), { timeout: 5_000 });
  });

  test('redelivers an event whose handler failed, and another consumer reclaims what a dead one held', async () => {
    let attempts = 0;
    const handled: number[] = [];
    // This consumer takes the event and dies before acknowledging it.
    const doomed = consumer('work', 300).on(somethingHappened, async () => {
      attempts++;
      void doomed.stop();
      throw new Error('killed mid-handler');
    });
    doomed.start();
    relay.start();
    await commit(1);
    await vi.waitFor(() => expect(attempts).toBe(1), { timeout: 5_000 });

    consumer('work', 300)
      .on(somethingHappened, async ({ n }) => {
        handled.push(n);
      })
      .start();
    await vi.waitFor(() => expect(handled).toEqual([0]), { timeout: 10_000 });
  });

  test('reclaims the event a dead consumer held within 10 s, with the default settings', async () => {
    let taken = 0;
    const handled: number[] = [];
    const doomed = consumer('default-claim').on(somethingHappened, async () => {
      taken++;
      // Dies holding the event: never acknowledges, never fails.
      void doomed.stop();
      await new Promise(() => {});
    });
    doomed.start();
    relay.start();
    await commit(1);
    await vi.waitFor(() => expect(taken).toBe(1), { timeout: 5_000 });
    const diedAt = Date.now();

    consumer('default-claim')
      .on(somethingHappened, async ({ n }) => {
        handled.push(n);
      })
      .start();
    await vi.waitFor(() => expect(handled).toEqual([0]), { timeout: 10_000, interval: 50 });
    expect(Date.now() - diedAt).toBeLessThan(10_000);
  });

  test('handles events side by side with a concurrency above 1, and acknowledges every one', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    const parallel = new EventConsumer({
      redis: redis.connect(),
      streamKey: stream,
      group: 'parallel',
      logger: silentLogger,
      blockMs: 100,
      concurrency: 4,
    });
    consumers.push(parallel);
    parallel
      .on(somethingHappened, async ({ n }) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 50));
        inFlight--;
        seen.push(n);
      })
      .start();
    relay.start();
    await commit(8);
    await vi.waitFor(() => expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]), {
      timeout: 5_000,
    });
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
    const [pending] = (await redis.connect().xpending(stream, 'parallel')) as [number];
    expect(pending).toBe(0);
  });

  test('recreates its group and keeps consuming after the stream was deleted (Redis lost its data)', async () => {
    const seen: number[] = [];
    consumer('resilient')
      .on(somethingHappened, async ({ n }) => {
        seen.push(n);
      })
      .start();
    relay.start();
    await commit(1);
    await vi.waitFor(() => expect(seen).toEqual([0]), { timeout: 5_000 });
    await redis.connect().del(stream);
    await commit(1);
    await vi.waitFor(() => expect(seen).toEqual([0, 0]), { timeout: 10_000 });
  });
});
