import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal } from './support/refusal';
import { createTestEnvironment, type TestEnvironment, type TestServer } from './support/server';

let world: TestEnvironment;
let server: TestServer;

beforeAll(async () => {
  world = await createTestEnvironment('pglite');
  server = await world.start();
});
afterAll(() => world.cleanup());

describe('health, readiness and CORS', () => {
  it('answers /healthz and /readyz when Redis and the database answer', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', redis: 'ok', database: 'ok', ffmpeg: 'ok' });
  });

  it('is not ready (503) when its worker has no ffmpeg, saying how to get one; needs none without a worker', async () => {
    const elsewhere = await createTestEnvironment('pglite');
    try {
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
    } finally {
      await elsewhere.cleanup();
    }
  });

  it('allows the dashboard origin only', async () => {
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
  let cut: TestEnvironment;
  let isolated: TestServer;

  beforeAll(async () => {
    cut = await createTestEnvironment('pglite');
    // Nothing listens there: the API starts, and says what is missing instead of crashing.
    isolated = await cut.start({ REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(() => cut.cleanup());

  it('is not ready (503), naming Redis', async () => {
    const ready = await fetch(`${isolated.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', redis: 'unreachable', database: 'ok', ffmpeg: 'ok' });
  });

  it('answers a viewer call with a retryable SERVICE_UNAVAILABLE (503) naming Redis, not a 500', async () => {
    const error = await refusal(
      isolated.client.viewer.join.mutate({ liveId: '00000000-0000-4000-8000-000000000000', viewerId: 'v' }),
    );
    expect(error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
    expect(error.message).toMatch(/Redis is unavailable right now; retry/);
  });

  it('commits an operator action that needs only the database, and refuses reads that need the counts with a 503', async () => {
    const started = Date.now();
    const live = await isolated.operator.live.create.mutate({ title: 'Redis-free' });
    expect(live).toMatchObject({ title: 'Redis-free', status: 'SCHEDULED', stats: { current: 0 } });
    const error = await refusal(isolated.client.live.get.query({ id: live.id }));
    expect(error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
    // Failing fast: no call waits on reconnection attempts.
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
