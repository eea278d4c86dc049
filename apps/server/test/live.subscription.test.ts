import type { LiveSession } from '@onair/api';
import { describe, expect } from 'vitest';
import { test } from './support/fixtures';
import type { TestServer } from './support/server';
import { liveStatsOrderOf, liveVersionOf, Recorder } from './support/subscriptions';

describe('live.onUpdate', () => {
  test('starts with the current state of the live and receives its changes', async ({ server }) => {
    const live = await server.operator.live.create.mutate({ title: 'Watched' });
    const recorder = new Recorder<LiveSession>();
    const subscription = server.client.live.onUpdate.subscribe({ id: live.id }, recorder);
    try {
      await recorder.waitFor((event) => event.data.status === 'SCHEDULED');
      await server.operator.live.start.mutate({ id: live.id });
      const started = await recorder.waitFor((event) => event.data.status === 'LIVE');
      expect(started.data.startedAt).not.toBeNull();
      expect(liveVersionOf(started.id)).toBeGreaterThan(liveVersionOf(recorder.events[0]?.id ?? ''));
    } finally {
      subscription.unsubscribe();
    }
  });

  test('follows every live when no id is given', async ({ server }) => {
    const recorder = new Recorder<LiveSession>();
    const subscription = server.client.live.onUpdate.subscribe({}, recorder);
    try {
      await waitUntilListening(server);
      const live = await server.operator.live.create.mutate({ title: 'Fresh' });
      await recorder.waitFor((event) => event.data.id === live.id && event.data.status === 'SCHEDULED');
    } finally {
      subscription.unsubscribe();
    }
  });

  test('carries viewer counts: a join moves the stats of the live in every list subscriber', async ({ server }) => {
    const live = await server.operator.live.create.mutate({ title: 'Counted live' });
    await server.operator.live.start.mutate({ id: live.id });
    const recorder = new Recorder<LiveSession>();
    const subscription = server.client.live.onUpdate.subscribe({}, recorder);
    try {
      await waitUntilListening(server);
      await server.client.viewer.join.mutate({ liveId: live.id, viewerId: 'watcher' });
      const counted = await recorder.waitFor((event) => event.data.id === live.id && event.data.stats.current === 1);
      expect(counted.data).toMatchObject({ title: 'Counted live', status: 'LIVE', stats: { peak: 1, unique: 1 } });
      await server.client.viewer.leave.mutate({ liveId: live.id, viewerId: 'watcher' });
      const left = await recorder.waitFor((event) => event.data.id === live.id && event.data.stats.current === 0);
      // Tracked ids are `<live version>.<stats epoch>-<stats version>`: the stats part moves forward.
      expect(liveStatsOrderOf(left.id)).toBeGreaterThan(liveStatsOrderOf(counted.id));
    } finally {
      subscription.unsubscribe();
    }
  });

  test('resumes with lastEventId after a reconnect, delivering what happened in between', async ({ server }) => {
    const live = await server.operator.live.create.mutate({ title: 'Resumed' });
    const first = new Recorder<LiveSession>();
    const before = server.client.live.onUpdate.subscribe({ id: live.id }, first);
    const seen = await first.waitFor((event) => event.data.id === live.id);
    before.unsubscribe();

    // While no one listens, the live starts and ends.
    await server.operator.live.start.mutate({ id: live.id });
    await server.operator.live.end.mutate({ id: live.id });

    const second = new Recorder<LiveSession>();
    const after = server.client.live.onUpdate.subscribe({ id: live.id, lastEventId: seen.id }, second);
    try {
      const ended = await second.waitFor((event) => event.data.status === 'ENDED');
      expect(second.events[0]).toBe(ended);
      expect(liveVersionOf(ended.id)).toBeGreaterThan(liveVersionOf(seen.id));
    } finally {
      after.unsubscribe();
    }
  });

  test('refuses a malformed id with BAD_REQUEST', async ({ server }) => {
    const recorder = new Recorder<LiveSession>();
    const subscription = server.client.live.onUpdate.subscribe({ id: 'nope' }, recorder);
    try {
      await expect.poll(() => recorder.errors.length, { timeout: 5_000 }).toBe(1);
      expect(recorder.errors[0]).toMatchObject({ data: { code: 'BAD_REQUEST' } });
    } finally {
      subscription.unsubscribe();
    }
  });
});

describe('live.onUpdate across instances', () => {
  test('survives a server restart: the client reconnects and resumes without a gap', async ({ isolatedWorld }) => {
    // Two instances share the data: PostgreSQL (a PGlite directory belongs to one process).
    const shared = await isolatedWorld('postgres');
    const other = await shared.start();
    const live = await other.operator.live.create.mutate({ title: 'Across restarts' });
    const recorder = new Recorder<LiveSession>();
    const first = await shared.start();
    const subscription = first.client.live.onUpdate.subscribe({ id: live.id }, recorder);
    try {
      await recorder.waitFor((event) => event.data.status === 'SCHEDULED');
      // The subscriber's server goes away; the change happens on another instance meanwhile.
      await first.stop();
      await other.operator.live.start.mutate({ id: live.id });
      const replacement = await shared.start({ PORT: new URL(first.url).port });
      try {
        const started = await recorder.waitFor((event) => event.data.status === 'LIVE', 15_000);
        expect(started.data.id).toBe(live.id);
      } finally {
        await replacement.stop();
      }
    } finally {
      subscription.unsubscribe();
    }
  });
});

/** A list-wide subscription has no first event: wait until its Redis subscription is in place. */
async function waitUntilListening(target: TestServer) {
  await expect.poll(() => target.onair.realtime.counts().listeners, { timeout: 5_000 }).toBeGreaterThan(0);
}
