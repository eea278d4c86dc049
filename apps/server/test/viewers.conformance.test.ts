import type { AppRouter, ViewerStats } from '@onair/api';
import {
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCLink,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { refusal } from './support/refusal';
import { createTestEnvironment, type TestEnvironment, type TestServer } from './support/server';
import { Recorder } from './support/subscriptions';

/**
 * The viewers' contract, run on both paths that serve it: the data plane and tRPC's own handler.
 * Both servers belong to one deployment (same database, same Redis prefix), so a live created on
 * one is the same live on the other; every exchange is also recorded and the two paths' records
 * must be identical, status, content type, vary and cache headers and body.
 */
let world: TestEnvironment;
const servers: Record<'data plane' | 'tRPC', TestServer> = {} as never;

beforeAll(async () => {
  world = await createTestEnvironment('pglite');
  servers['data plane'] = await world.start({}, { dataPlane: true });
  servers.tRPC = await world.start({}, { dataPlane: false });
});
afterAll(() => world.cleanup());

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

const links: Record<string, (url: string) => TRPCLink<AppRouter>> = {
  httpLink: (url) => httpLink({ url }),
  httpBatchLink: (url) => httpBatchLink({ url }),
  httpBatchStreamLink: (url) => httpBatchStreamLink({ url }),
};

async function onAirLive(server: TestServer, title: string): Promise<string> {
  const live = await server.operator.live.create.mutate({ title });
  await server.operator.live.start.mutate({ id: live.id });
  return live.id;
}

interface Exchange {
  status: number;
  type: string | null;
  vary: string | null;
  cache: string | null;
  allow: string | null;
  body: unknown;
}

/** One raw request, as a client sees it; the live's id and times differ between runs, nothing else. */
async function exchange(server: TestServer, path: string, init: RequestInit, ids: string[]): Promise<Exchange> {
  const response = await fetch(`${server.trpcUrl}/${path}`, init);
  let text = await response.text();
  for (const id of ids) text = text.replaceAll(id, '<live>');
  text = text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>');
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    vary: response.headers.get('vary'),
    cache: response.headers.get('cache-control'),
    allow: response.headers.get('allow'),
    body: parsedOrText(text),
  };
}

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const json = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body,
});

/** Every raw request of the contract, against one live of the given server. */
async function rawScript(server: TestServer): Promise<Exchange[]> {
  const liveId = await onAirLive(server, 'Raw');
  const ids = [liveId];
  const join = (viewerId: string) => JSON.stringify({ liveId, viewerId });
  const requests: [string, RequestInit][] = [
    ['viewer.join', json(join('a'))],
    ['viewer.join', json(join('a'))],
    ['viewer.join', json(join('a'), { 'content-type': 'application/json; charset=utf-8' })],
    ['viewer.heartbeat', json(join('a'))],
    ['viewer.leave', json(join('a'))],
    ['viewer.join?batch=1', json(JSON.stringify({ 0: { liveId, viewerId: 'b' } }))],
    ['viewer.join,viewer.leave?batch=1', json(JSON.stringify({ 0: { liveId, viewerId: 'c' }, 1: { liveId } }))],
    // Bad inputs name the field; nothing changes.
    ['viewer.join', json(JSON.stringify({ liveId, viewerId: 'has spaces' }))],
    ['viewer.join', json(JSON.stringify({ liveId: 'not-a-uuid', viewerId: 'a' }))],
    ['viewer.join', json(JSON.stringify({ liveId: UNKNOWN, viewerId: 'a' }))],
    // A simple request any web page can send (CSRF): tRPC refuses the content type, 415.
    ['viewer.join', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: join('csrf') }],
    ['viewer.join', { method: 'POST', body: join('no-type') }],
    ['viewer.join', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' }],
    // A mutation is not a GET.
    ['viewer.join', { method: 'GET' }],
    [`viewer.join?input=${encodeURIComponent(join('get'))}`, { method: 'GET' }],
    // Names of Object.prototype are no procedures.
    ...['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'].flatMap(
      (name): [string, RequestInit][] => [
        [name, json(join('proto'))],
        [`viewer.${name}`, json(join('proto'))],
        [`${name}?batch=1`, json(JSON.stringify({ 0: {} }))],
      ],
    ),
    // Malformed batches.
    ['viewer.join?batch=1', json(JSON.stringify([{ liveId, viewerId: 'array' }]))],
    ['viewer.join?batch=1', json('"text"')],
    ['viewer.join?batch=1&batch=1', json(JSON.stringify({ 0: { liveId, viewerId: 'twice' } }))],
    ['viewer.join?batch=2', json(JSON.stringify({ 0: { liveId, viewerId: 'two' } }))],
    ['viewer.join?batch=true', json(JSON.stringify({ 0: { liveId, viewerId: 'true' } }))],
    ['viewer.join,viewer.nope?batch=1', json(JSON.stringify({ 0: { liveId, viewerId: 'mixed' }, 1: {} }))],
    ['viewer.join', json('{"liveId": ')],
    ['viewer.join', json('')],
    // JSONL streaming is tRPC's to answer.
    [
      'viewer.join?batch=1',
      json(JSON.stringify({ 0: { liveId, viewerId: 'jsonl' } }), { 'trpc-accept': 'application/jsonl' }),
    ],
    // More than tRPC's maxBatchSize (100): refused, and nobody joins.
    [
      `${Array.from({ length: 101 }, () => 'viewer.join').join(',')}?batch=1`,
      json(
        JSON.stringify(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [i, { liveId, viewerId: `g${i}` }]))),
      ),
    ],
    [`viewer.stats?input=${encodeURIComponent(JSON.stringify({ liveId }))}`, { method: 'GET' }],
  ];
  const exchanges: Exchange[] = [];
  for (const [path, init] of requests) exchanges.push(await exchange(server, path, init, ids));
  return exchanges;
}

describe.each(['data plane', 'tRPC'] as const)('the viewers contract, served by %s', (path) => {
  const server = () => servers[path];

  describe.each(Object.keys(links))('through %s', (linkName) => {
    const client = () =>
      createTRPCClient<AppRouter>({
        links: [(links[linkName] as (url: string) => TRPCLink<AppRouter>)(server().trpcUrl)],
      });

    it('counts a viewer once, refreshes and removes it, and reports the stats', async () => {
      const liveId = await onAirLive(server(), `${path} ${linkName}`);
      const viewers = client().viewer;
      expect(await viewers.join.mutate({ liveId, viewerId: 'v1' })).toMatchObject({
        joined: true,
        stats: { current: 1 },
      });
      expect(await viewers.join.mutate({ liveId, viewerId: 'v1' })).toMatchObject({
        joined: false,
        stats: { current: 1 },
      });
      const [second, third] = await Promise.all([
        viewers.join.mutate({ liveId, viewerId: 'v2' }),
        viewers.join.mutate({ liveId, viewerId: 'v3' }),
      ]);
      expect([second.joined, third.joined]).toEqual([true, true]);
      expect(await viewers.heartbeat.mutate({ liveId, viewerId: 'v2' })).toMatchObject({ stats: { current: 3 } });
      expect(await viewers.leave.mutate({ liveId, viewerId: 'v2' })).toMatchObject({
        left: true,
        stats: { current: 2 },
      });
      expect(await viewers.leave.mutate({ liveId, viewerId: 'v2' })).toMatchObject({
        left: false,
        stats: { current: 2 },
      });
      expect(await viewers.stats.query({ liveId })).toMatchObject({ current: 2, peak: 3 });
    });

    it('refuses bad input naming the field, unknown lives and lives not on air', async () => {
      const liveId = await onAirLive(server(), 'Refusals');
      const scheduled = await server().operator.live.create.mutate({ title: 'Not yet' });
      const viewers = client().viewer;
      const bad = await refusal(viewers.join.mutate({ liveId, viewerId: '' }));
      expect(bad.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
      expect(bad.message).toMatch(/^viewerId: /);
      expect((await refusal(viewers.join.mutate({ liveId: UNKNOWN, viewerId: 'v' }))).data?.code).toBe('NOT_FOUND');
      expect((await refusal(viewers.join.mutate({ liveId: scheduled.id, viewerId: 'v' }))).data?.code).toBe('CONFLICT');
      expect(await viewers.stats.query({ liveId })).toMatchObject({ current: 0 });
    });

    it('reads any spelling of a live id as the same live, before and after the end', async () => {
      const liveId = await onAirLive(server(), 'Upper case');
      const viewers = client().viewer;
      await viewers.join.mutate({ liveId, viewerId: 'lower' });
      expect(await viewers.join.mutate({ liveId: liveId.toUpperCase(), viewerId: 'upper' })).toMatchObject({
        stats: { liveId, current: 2 },
      });
      expect(await viewers.join.mutate({ liveId: liveId.toUpperCase(), viewerId: 'lower' })).toMatchObject({
        joined: false,
      });
      await server().operator.live.end.mutate({ id: liveId.toUpperCase() });
      const refused = await refusal(viewers.join.mutate({ liveId: liveId.toUpperCase(), viewerId: 'late' }));
      expect(refused.data?.code).toBe('CONFLICT');
      // The audience is zeroed when `live.ended` is handled, just after the end commits: a few
      // milliseconds on PostgreSQL, where the first read could come before it.
      await expect.poll(async () => (await viewers.stats.query({ liveId })).current).toBe(0);
      expect(await viewers.stats.query({ liveId: liveId.toUpperCase() })).toMatchObject({
        liveId,
        current: 0,
        peak: 2,
      });
    });
  });

  it('streams viewer.onStats through httpSubscriptionLink: the snapshot first, then each change', async () => {
    const liveId = await onAirLive(server(), 'Subscribed');
    const client = createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({ url: server().trpcUrl, EventSource }),
          false: httpLink({ url: server().trpcUrl }),
        }),
      ],
    });
    await client.viewer.join.mutate({ liveId, viewerId: 'x' });
    const recorder = new Recorder<ViewerStats>();
    const subscription = client.viewer.onStats.subscribe({ liveId: liveId.toUpperCase() }, recorder);
    try {
      await recorder.waitFor((event) => event.data.current === 1);
      await servers.tRPC.client.viewer.join.mutate({ liveId, viewerId: 'y' });
      await recorder.waitFor((event) => event.data.current === 2);
      expect(recorder.events.every((event) => event.data.liveId === liveId)).toBe(true);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('runs the procedures’ middleware on every call', async () => {
    const liveId = await onAirLive(server(), 'Middleware');
    const timer = vi.spyOn(server().onair.metrics.procedureDuration, 'observe');
    try {
      await server().client.viewer.join.mutate({ liveId, viewerId: 'spied' });
      await fetch(`${server().trpcUrl}/viewer.heartbeat`, json(JSON.stringify({ liveId, viewerId: 'spied' })));
      const recorder = new Recorder<ViewerStats>();
      const subscription = server().client.viewer.onStats.subscribe({ liveId }, recorder);
      await recorder.waitFor((event) => event.data.current === 1);
      subscription.unsubscribe();
      // observe(labels, seconds): the spy's type knows only the exemplar overload.
      const seen = timer.mock.calls.map(([labels]) => (labels as { procedure?: string } | undefined)?.procedure);
      expect(seen).toEqual(expect.arrayContaining(['viewer.join', 'viewer.heartbeat', 'viewer.onStats']));
    } finally {
      timer.mockRestore();
    }
  });

  it('changes nothing on a refused request', async () => {
    const liveId = await onAirLive(server(), 'Untouched');
    const body = JSON.stringify({ liveId, viewerId: 'csrf' });
    const textPlain = await fetch(`${server().trpcUrl}/viewer.join`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    expect(textPlain.status).toBe(415);
    expect((await fetch(`${server().trpcUrl}/viewer.join?input=${encodeURIComponent(body)}`)).status).toBe(405);
    expect((await fetch(`${server().trpcUrl}/constructor`, json(body))).status).toBe(404);
    expect(await server().client.viewer.stats.query({ liveId })).toMatchObject({ current: 0 });
  });
});

describe('both paths answer byte for byte alike', () => {
  it('for every raw request of the contract', async () => {
    const onPlane = await rawScript(servers['data plane']);
    const onTrpc = await rawScript(servers.tRPC);
    for (const [index, expected] of onTrpc.entries()) expect(onPlane[index], `request ${index}`).toEqual(expected);
  });

  it('for viewer.onStats on the wire: headers and SSE frames, errors included', async () => {
    const frames = async (server: TestServer, input: (liveId: string) => unknown, lastEventId?: string) => {
      const liveId = await onAirLive(server, 'Wire');
      const query = encodeURIComponent(JSON.stringify(input(liveId)));
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
        vary: response.headers.get('vary'),
        cache: response.headers.get('cache-control'),
        text: text.replaceAll(liveId, '<live>').replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>'),
      };
    };
    for (const [input, lastEventId] of [
      [(liveId: string) => ({ liveId }), undefined],
      [(liveId: string) => ({ liveId: liveId.toUpperCase() }), undefined],
      [(liveId: string) => ({ liveId }), '7'],
      [() => ({ liveId: 'nope' }), undefined],
      [() => ({ liveId: UNKNOWN }), undefined],
      [() => ({}), undefined],
    ] as const) {
      expect(await frames(servers['data plane'], input, lastEventId)).toEqual(
        await frames(servers.tRPC, input, lastEventId),
      );
    }
  });
});
