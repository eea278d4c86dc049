import { describe, expect, vi } from 'vitest';
import { onAirTest } from './support/fixtures';

const test = onAirTest({ env: { ENABLE_SIMULATOR: 'on', VIEWER_TTL_MS: '3000' } });

describe('demo audiences (ENABLE_SIMULATOR)', () => {
  test('starts simulated viewers on a LIVE live and makes them leave when stopped', async ({ server: enabled }) => {
    const live = await enabled.operator.live.create.mutate({ title: 'Demo' });
    await enabled.operator.live.start.mutate({ id: live.id });
    const started = await enabled.operator.demo.startAudience.mutate({ liveId: live.id, audience: 30, rampSeconds: 1 });
    expect(started).toEqual([expect.objectContaining({ liveId: live.id, audience: 30 })]);
    await vi.waitFor(
      async () =>
        expect((await enabled.client.viewer.stats.query({ liveId: live.id })).current).toBeGreaterThanOrEqual(15),
      { timeout: 5_000 },
    );
    expect((await enabled.operator.demo.audiences.query()).audiences).toHaveLength(1);

    expect(await enabled.operator.demo.stopAudience.mutate({ liveId: live.id })).toEqual([]);
    expect((await enabled.client.viewer.stats.query({ liveId: live.id })).current).toBe(0);
  });

  test('runs in token mode too: the server vouches for its own simulated viewers', async ({ world }) => {
    const signed = await world.start({
      ENABLE_SIMULATOR: 'on',
      VIEWER_TTL_MS: '3000',
      VIEWER_AUTH: 'token',
      VIEWER_TOKEN_SECRET: 'demo-test-viewer-token-secret-0123456789',
    });
    try {
      const live = await signed.operator.live.create.mutate({ title: 'Demo, token mode' });
      await signed.operator.live.start.mutate({ id: live.id });
      await signed.operator.demo.startAudience.mutate({ liveId: live.id, audience: 30, rampSeconds: 1 });
      await vi.waitFor(
        async () =>
          expect((await signed.client.viewer.stats.query({ liveId: live.id })).current).toBeGreaterThanOrEqual(15),
        { timeout: 5_000 },
      );
      expect(await signed.operator.demo.stopAudience.mutate({ liveId: live.id })).toEqual([]);
      expect((await signed.client.viewer.stats.query({ liveId: live.id })).current).toBe(0);
    } finally {
      await signed.stop();
    }
  });

  test('stops an audience by itself when its live ends', async ({ server: enabled }) => {
    const live = await enabled.operator.live.create.mutate({ title: 'Ends' });
    await enabled.operator.live.start.mutate({ id: live.id });
    await enabled.operator.demo.startAudience.mutate({ liveId: live.id, audience: 10, rampSeconds: 0 });
    await enabled.operator.live.end.mutate({ id: live.id });
    await vi.waitFor(async () => expect((await enabled.operator.demo.audiences.query()).audiences).toEqual([]), {
      timeout: 5_000,
    });
  });

  test('refuses a live that is not LIVE with CONFLICT, and needs the operator token', async ({ server: enabled }) => {
    const live = await enabled.operator.live.create.mutate({ title: 'Scheduled' });
    await expect(enabled.operator.demo.startAudience.mutate({ liveId: live.id })).rejects.toMatchObject({
      data: { code: 'CONFLICT' },
    });
    await expect(enabled.client.demo.startAudience.mutate({ liveId: live.id })).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
  });

  test('is refused with PRECONDITION_FAILED when the simulator is off', async ({ isolatedWorld }) => {
    const disabled = await (await isolatedWorld()).start();
    const live = await disabled.operator.live.create.mutate({ title: 'No demo' });
    await disabled.operator.live.start.mutate({ id: live.id });
    await expect(disabled.operator.demo.startAudience.mutate({ liveId: live.id })).rejects.toMatchObject({
      data: { code: 'PRECONDITION_FAILED', httpStatus: 412 },
    });
    expect(await disabled.operator.demo.audiences.query()).toEqual({ enabled: false, audiences: [] });
  });
});
