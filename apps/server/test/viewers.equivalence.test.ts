import type { ViewerStats } from '@onair/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, type TestEnvironment, type TestServer } from './support/server';
import { Recorder } from './support/subscriptions';

/**
 * The data plane must be indistinguishable from tRPC's generic path: the same script of calls runs
 * against a server with the data plane and one without, through @trpc/client and raw HTTP, and
 * every answer — results, errors, statuses, SSE frames — must be identical.
 */
const worlds: TestEnvironment[] = [];
let fast: TestServer;
let generic: TestServer;

beforeAll(async () => {
  worlds.push(await createTestEnvironment('pglite'), await createTestEnvironment('pglite'));
  fast = await (worlds[0] as TestEnvironment).start({}, { dataPlane: true });
  generic = await (worlds[1] as TestEnvironment).start({}, { dataPlane: false });
});
afterAll(() => Promise.all(worlds.map((world) => world.cleanup())));

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/** Ids and times differ between the two worlds; everything else must not. */
function normalize(value: unknown, ids: string[]): unknown {
  let text = JSON.stringify(value) ?? 'undefined';
  for (const id of ids) text = text.replaceAll(id, '<live>');
  text = text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>')
    .replace(/"port":\d+|127\.0\.0\.1:\d+/g, '<host>');
  return JSON.parse(text);
}

async function settle(promise: Promise<unknown>) {
  try {
    return { ok: await promise };
  } catch (error) {
    const caught = error as { message: string; data?: unknown };
    return { error: { message: caught.message, data: caught.data } };
  }
}

async function script(server: TestServer) {
  const live = await server.operator.live.create.mutate({ title: 'Equivalence' });
  const scheduled = await server.operator.live.create.mutate({ title: 'Not started' });
  await server.operator.live.start.mutate({ id: live.id });
  const liveId = live.id;
  const { client } = server;
  const steps: unknown[] = [];
  // Sequential, so both servers see the same order.
  for (const step of [
    () => client.viewer.join.mutate({ liveId, viewerId: 'a' }),
    () => client.viewer.join.mutate({ liveId, viewerId: 'a' }),
    () => client.viewer.heartbeat.mutate({ liveId, viewerId: 'a' }),
    () => client.viewer.heartbeat.mutate({ liveId, viewerId: 'b' }),
    () => client.viewer.leave.mutate({ liveId, viewerId: 'a' }),
    () => client.viewer.leave.mutate({ liveId, viewerId: 'a' }),
    () => client.viewer.join.mutate({ liveId, viewerId: 'has spaces' }),
    () => client.viewer.join.mutate({ liveId, viewerId: '' }),
    () => client.viewer.join.mutate({ liveId: 'not-a-uuid', viewerId: 'a' }),
    () => client.viewer.join.mutate({ liveId: scheduled.id, viewerId: 'a' }),
    () => client.viewer.heartbeat.mutate({ liveId: scheduled.id, viewerId: 'a' }),
    () => client.viewer.join.mutate({ liveId: UNKNOWN, viewerId: 'a' }),
    () => client.viewer.leave.mutate({ liveId: UNKNOWN, viewerId: 'a' }),
    () => client.viewer.stats.query({ liveId }),
  ]) {
    steps.push(await settle(step()));
  }
  // A batch mixing success and failure (HTTP 207), as httpBatchLink sends concurrent calls.
  steps.push(
    await Promise.all([
      settle(client.viewer.join.mutate({ liveId, viewerId: 'c' })),
      settle(client.viewer.join.mutate({ liveId, viewerId: '' })),
      settle(client.viewer.leave.mutate({ liveId: scheduled.id, viewerId: 'c' })),
    ]),
  );
  const raw = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${server.trpcUrl}/${path}`, init);
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  };
  const post = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });
  steps.push(await raw('viewer.join', post(JSON.stringify({ liveId, viewerId: 'd' }))));
  steps.push(await raw('viewer.join?batch=1', post(JSON.stringify({ 0: { liveId, viewerId: 'e' } }))));
  steps.push(
    await raw(
      'viewer.join,viewer.leave?batch=1',
      post(JSON.stringify({ 0: { liveId, viewerId: 'f' }, 1: { liveId } })),
    ),
  );
  // More than tRPC's maxBatchSize (100): refused by both, and nobody joins.
  const oversized = Array.from({ length: 101 }, () => 'viewer.join').join(',');
  const oversizedInputs = Object.fromEntries(
    Array.from({ length: 101 }, (_, index) => [index, { liveId, viewerId: `g${index}` }]),
  );
  steps.push(await raw(`${oversized}?batch=1`, post(JSON.stringify(oversizedInputs))));
  steps.push(await settle(client.viewer.stats.query({ liveId })));
  steps.push(await raw('viewer.join', post('{"liveId": ')));
  steps.push(await raw('viewer.join', post('')));
  steps.push(await raw('viewer.join', { method: 'GET' }));
  return { steps, ids: [liveId, scheduled.id] };
}

describe('the viewers data plane and tRPC answer identically', () => {
  it('for mutations, errors and batches, through @trpc/client and raw HTTP', async () => {
    const onFast = await script(fast);
    const onGeneric = await script(generic);
    expect(normalize(onFast.steps, onFast.ids)).toEqual(normalize(onGeneric.steps, onGeneric.ids));
  });

  it('for viewer.onStats: the same events through @trpc/client', async () => {
    const events = async (server: TestServer) => {
      const live = await server.operator.live.create.mutate({ title: 'Stream' });
      await server.operator.live.start.mutate({ id: live.id });
      await server.client.viewer.join.mutate({ liveId: live.id, viewerId: 'x' });
      const recorder = new Recorder<ViewerStats>();
      const subscription = server.client.viewer.onStats.subscribe({ liveId: live.id }, recorder);
      await recorder.waitFor((event) => event.data.current === 1);
      await server.client.viewer.join.mutate({ liveId: live.id, viewerId: 'y' });
      await recorder.waitFor((event) => event.data.current === 2);
      await server.client.viewer.leave.mutate({ liveId: live.id, viewerId: 'x' });
      await recorder.waitFor((event) => event.data.peak === 2 && event.data.current === 1);
      subscription.unsubscribe();
      return normalize(recorder.events, [live.id]);
    };
    expect(await events(fast)).toEqual(await events(generic));
  });

  it('for viewer.onStats: the same SSE bytes on the wire, errors included', async () => {
    const frames = async (server: TestServer, input: (liveId: string) => unknown, lastEventId?: string) => {
      const live = await server.operator.live.create.mutate({ title: 'Wire' });
      await server.operator.live.start.mutate({ id: live.id });
      const query = encodeURIComponent(JSON.stringify(input(live.id)));
      const controller = new AbortController();
      const response = await fetch(`${server.trpcUrl}/viewer.onStats?input=${query}`, {
        signal: controller.signal,
        headers: lastEventId ? { 'last-event-id': lastEventId } : {},
      });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      // The connected frame and one more: the snapshot or the error.
      while ((text.match(/\n\n\n/g) ?? []).length < 2) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      controller.abort();
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        cache: response.headers.get('cache-control'),
        text: normalize(text, [live.id]),
      };
    };
    for (const [input, lastEventId] of [
      [(liveId: string) => ({ liveId }), undefined],
      [(liveId: string) => ({ liveId }), '7'],
      [() => ({ liveId: 'nope' }), undefined],
      [() => ({ liveId: UNKNOWN }), undefined],
      [() => ({}), undefined],
    ] as const) {
      expect(await frames(fast, input, lastEventId)).toEqual(await frames(generic, input, lastEventId));
    }
  });
});
