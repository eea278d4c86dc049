import { ViewerSimulation } from '@onair/api/simulation';
import { simulatedViewerCalls } from '@onair/simulator/viewers';
import { describe, expect, vi } from 'vitest';
import { onAirTest } from './support/fixtures';

const test = onAirTest({ env: { VIEWER_TTL_MS: '1500' } });

describe('the viewer simulator', () => {
  test('drives arrivals, heartbeats, leaves and vanishings, and the server converges on the expected count', async ({
    server,
  }) => {
    const live = await server.operator.live.create.mutate({ title: 'Simulated' });
    await server.operator.live.start.mutate({ id: live.id });
    let seed = 42;
    const simulation = new ViewerSimulation({
      viewers: {
        join: (input) => server.client.viewer.join.mutate(input),
        heartbeat: (input) => server.client.viewer.heartbeat.mutate(input),
        leave: (input) => server.client.viewer.leave.mutate(input),
      },
      liveId: live.id,
      audience: 120,
      rampSeconds: 1,
      durationSeconds: 2,
      leaveRate: 0.25,
      crashRate: 0.25,
      ttlMs: 1_500,
      // Deterministic, so the test always exercises every kind of viewer.
      random: () => {
        seed = (seed * 16_807) % 2_147_483_647;
        return seed / 2_147_483_647;
      },
    });
    simulation.start();
    try {
      await simulation.planned();
      const planned = simulation.progress();
      expect(planned, `last error: ${planned.lastError}`).toMatchObject({ arrived: 120, errors: 0 });
      expect(planned.left).toBeGreaterThan(10);
      expect(planned.vanished).toBeGreaterThan(10);
      // Vanished viewers expire after the TTL; those still watching keep heartbeating past it.
      await vi.waitFor(
        async () =>
          expect((await server.client.viewer.stats.query({ liveId: live.id })).current).toBe(planned.watching),
        { timeout: 6_000, interval: 100 },
      );
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect((await server.client.viewer.stats.query({ liveId: live.id })).current).toBe(planned.watching);
    } finally {
      await simulation.stop();
    }
    expect((await server.client.viewer.stats.query({ liveId: live.id })).unique).toBeGreaterThanOrEqual(117);
  });
});

describe('the viewer simulator in token mode', () => {
  test.for(['token', 'guest'] as const)('drives a simulated audience identified by %s', async (kind, { world }) => {
    const secret = 'simulator-test-viewer-token-secret-0123456789';
    const signed = await world.start({ VIEWER_AUTH: 'token', VIEWER_TOKEN_SECRET: secret, VIEWER_TTL_MS: '1500' });
    const live = await signed.operator.live.create.mutate({ title: `Simulated ${kind}` });
    await signed.operator.live.start.mutate({ id: live.id });
    const simulation = new ViewerSimulation({
      viewers: simulatedViewerCalls(signed.client, kind === 'token' ? { kind, secret } : { kind }),
      liveId: live.id,
      // Within the default guest budget of one address (30 a minute).
      audience: 20,
      rampSeconds: 1,
      durationSeconds: 2,
      leaveRate: 0.2,
      crashRate: 0,
      ttlMs: 1_500,
    });
    simulation.start();
    try {
      await simulation.planned();
      const planned = simulation.progress();
      expect(planned, `last error: ${planned.lastError}`).toMatchObject({ arrived: 20, errors: 0 });
      await vi.waitFor(
        async () =>
          expect((await signed.client.viewer.stats.query({ liveId: live.id })).current).toBe(planned.watching),
        { timeout: 6_000, interval: 100 },
      );
    } finally {
      await simulation.stop();
      await signed.stop();
    }
  });
});
