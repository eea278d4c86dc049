import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, type TestEnvironment, type TestServer } from './support/server';

let world: TestEnvironment;
let server: TestServer;

beforeAll(async () => {
  world = await createTestEnvironment('pglite');
  server = await world.start({ LIVE_IDLE_END_MS: '10000', VIEWER_TTL_MS: '60000' });
});
afterAll(() => world.cleanup());

describe('LIVE_IDLE_END_MS', () => {
  it('ends a live left on air with nobody watching, and keeps one that has an audience', async () => {
    const abandoned = await server.operator.live.create.mutate({ title: 'Left on air' });
    await server.operator.live.start.mutate({ id: abandoned.id });
    const watched = await server.operator.live.create.mutate({ title: 'Someone is watching' });
    await server.operator.live.start.mutate({ id: watched.id });
    await server.client.viewer.join.mutate({ liveId: watched.id, viewerId: 'loyal-viewer' });

    await expect
      .poll(async () => (await server.client.live.get.query({ id: abandoned.id })).status, {
        timeout: 30_000,
        interval: 500,
      })
      .toBe('ENDED');
    // Ended as an operator would end it: after going on air, so it gets its short video.
    await expect
      .poll(async () => (await server.client.shortVideo.list.query({ liveId: abandoned.id })).items.length, {
        timeout: 10_000,
      })
      .toBe(1);
    expect((await server.client.live.get.query({ id: watched.id })).status).toBe('LIVE');
  });
});
