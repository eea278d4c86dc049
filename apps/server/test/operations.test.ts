import { describe, expect } from 'vitest';
import { onAirTest, test } from './support/fixtures';
import { refusal } from './support/refusal';

/** A server whose Redis never answers: nothing listens there. It starts, and says what is missing. */
const cutOff = onAirTest({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });

describe('health, readiness and CORS', () => {
  test('answers /healthz and /readyz when Redis and the database answer', async ({ server }) => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', redis: 'ok', database: 'ok', ffmpeg: 'ok' });
  });

  test('is not ready (503) when its worker has no ffmpeg, saying how to get one; needs none without a worker', async ({
    isolatedWorld,
  }) => {
    const elsewhere = await isolatedWorld();
    {
      const missing = await elsewhere.start({ FFMPEG_PATH: '/nonexistent/ffmpeg' });
      const ready = await fetch(`${missing.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        status: 'unavailable',
        redis: 'ok',
        database: 'ok',
        ffmpeg: "ffmpeg not found (/nonexistent/ffmpeg): install Debian's ffmpeg package or set FFMPEG_PATH",
      });
      await missing.stop();
      const apiOnly = await elsewhere.start({ FFMPEG_PATH: '/nonexistent/ffmpeg', WORKER: 'off' });
      const answer = await fetch(`${apiOnly.url}/readyz`);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ status: 'ready', ffmpeg: 'not needed (no worker here)' });
    }
  });

  test('allows the dashboard origin only', async ({ server }) => {
    const preflight = (origin: string) =>
      fetch(`${server.trpcUrl}/live.create`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight('http://localhost:3000');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const refused = await preflight('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('when Redis is down', () => {
  cutOff('is not ready (503), naming Redis', async ({ server: isolated }) => {
    const ready = await fetch(`${isolated.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', redis: 'unreachable', database: 'ok', ffmpeg: 'ok' });
  });

  cutOff(
    'answers a viewer call with a retryable SERVICE_UNAVAILABLE (503) naming Redis, not a 500',
    async ({ server: isolated }) => {
      const error = await refusal(
        isolated.client.viewer.join.mutate({ liveId: '00000000-0000-4000-8000-000000000000', viewerId: 'v' }),
      );
      expect(error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
      expect(error.message).toMatch(/Redis is unavailable right now; retry/);
    },
  );

  cutOff(
    'commits an operator action that needs only the database, and refuses reads that need the counts with a 503',
    async ({ server: isolated }) => {
      const started = Date.now();
      const live = await isolated.operator.live.create.mutate({ title: 'Redis-free' });
      expect(live).toMatchObject({ title: 'Redis-free', status: 'SCHEDULED', stats: { current: 0 } });
      const error = await refusal(isolated.client.live.get.query({ id: live.id }));
      expect(error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
      // Failing fast: no call waits on reconnection attempts.
      expect(Date.now() - started).toBeLessThan(3_000);
    },
  );
});
