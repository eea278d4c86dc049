import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal } from './support/refusal';
import { createTestEnvironment, type TestEnvironment, type TestServer } from './support/server';
import { liveOnAir, waitForVideo } from './support/short-videos';

/** Named operators (OPERATOR_TOKENS): each state change records who made it. */
let world: TestEnvironment;
let server: TestServer;
const ana = 'ana-operator-token-0123456789';
const bo = 'bo-operator-token-0123456789';

beforeAll(async () => {
  world = await createTestEnvironment('pglite');
  server = await world.start({
    OPERATOR_TOKENS: `ana:${ana},bo:${bo}`,
    // Every short video fails at once, so a test can retry one.
    SHORT_VIDEO_FAILURE_RATE: '1',
    SHORT_VIDEO_ATTEMPTS: '1',
    SHORT_VIDEO_STAGE_MS: '10',
  });
});
afterAll(() => world.cleanup());

describe('named operators', () => {
  it('appear on the lives they created, started and ended, in every read', async () => {
    const live = await server.clientWith(ana).live.create.mutate({ title: 'Named' });
    expect(live).toMatchObject({ createdBy: 'ana', startedBy: null, endedBy: null });
    expect(await server.clientWith(ana).live.start.mutate({ id: live.id })).toMatchObject({ startedBy: 'ana' });
    expect(await server.clientWith(bo).live.end.mutate({ id: live.id })).toMatchObject({
      status: 'ENDED',
      createdBy: 'ana',
      startedBy: 'ana',
      endedBy: 'bo',
    });
    // An end repeated by someone else changes nothing, the record included.
    expect(await server.operator.live.end.mutate({ id: live.id })).toMatchObject({ endedBy: 'bo' });
    expect(await server.client.live.get.query({ id: live.id })).toMatchObject({ endedBy: 'bo' });
    const listed = await server.client.live.list.query({ status: 'ENDED' });
    expect(listed.items.find((item) => item.id === live.id)).toMatchObject({ endedBy: 'bo' });
  });

  it('keeps OPERATOR_TOKEN working, recorded as "operator", and refuses any other token', async () => {
    const live = await server.operator.live.create.mutate({ title: 'Shared token' });
    expect(live.createdBy).toBe('operator');
    const refused = await refusal(server.clientWith(`${ana}-not`).live.end.mutate({ id: live.id }));
    expect(refused.data?.code).toBe('UNAUTHORIZED');
    expect(await server.client.live.get.query({ id: live.id })).toMatchObject({ status: 'SCHEDULED', endedBy: null });
  });

  it('appear on the short videos they retried', async () => {
    const liveId = await liveOnAir(server.clientWith(ana), 'Retried by name');
    await server.clientWith(ana).live.end.mutate({ id: liveId });
    const failed = await waitForVideo(server.client, liveId, (video) => video.status === 'FAILED');
    expect(failed.retriedBy).toBeNull();
    expect(await server.clientWith(bo).shortVideo.retry.mutate({ id: failed.id })).toMatchObject({ retriedBy: 'bo' });
    const again = await waitForVideo(server.client, liveId, (video) => video.status === 'FAILED' && video.attempts > 0);
    expect(again.retriedBy).toBe('bo');
    expect(await server.client.shortVideo.get.query({ id: failed.id })).toMatchObject({ retriedBy: 'bo' });
  });
});
