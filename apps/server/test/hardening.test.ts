import { connect } from 'node:net';
import { PresenceLayout } from '@onair/api';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redisUrl } from './support/redis';
import { refusal } from './support/refusal';
import { createTestEnvironment, type TestEnvironment, type TestServer } from './support/server';

/** What an attacker or an unlucky operator tried, each once a defect, each now refused cleanly. */
let world: TestEnvironment;
let server: TestServer;

beforeAll(async () => {
  world = await createTestEnvironment('pglite');
  server = await world.start({
    NODE_ENV: 'production',
    // Production takes signed viewers by default; these tests send bare viewer ids.
    VIEWER_AUTH: 'open',
    VIEWER_TOKEN_SECRET: 'hardening-test-viewer-token-secret-0123456789',
    HTTP_HEADERS_TIMEOUT_MS: '1000',
    HTTP_REQUEST_TIMEOUT_MS: '1000',
    TRPC_BODY_LIMIT_BYTES: '16384',
    SSE_MAX_STREAMS_PER_ADDRESS: '3',
  });
});
afterAll(() => world.cleanup());

const post = (body: string, contentType = 'application/json'): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': contentType, authorization: 'Bearer test-operator-token-0123456789' },
  body,
});

describe('inputs the database would refuse are a 400 naming the field', () => {
  it.each([
    ['title', { title: 'a\u0000b' }],
    ['idempotencyKey', { title: 'ok', idempotencyKey: 'key\u0000' }],
    ['scheduledAt', { title: 'ok', scheduledAt: '0000-01-01T00:00:00Z' }],
    ['scheduledAt', { title: 'ok', scheduledAt: '+275760-09-13T00:00:00Z' }],
  ])('%s', async (field, input) => {
    const error = await refusal(server.operator.live.create.mutate(input as never));
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(error.message).toMatch(new RegExp(`^${field}: `));
  });

  it('a cursor that decodes to a date out of range', async () => {
    const cursor = Buffer.from(JSON.stringify(['0000-01-01T00:00:00.000Z', crypto.randomUUID()])).toString('base64url');
    const error = await refusal(server.client.live.list.query({ cursor }));
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(error.message).toMatch(/^cursor: /);
  });
});

describe('nothing internal leaks', () => {
  it('answers an unexpected failure with a generic message in production, and logs it in full', async () => {
    const live = await server.operator.live.create.mutate({ title: 'Hidden' });
    const logged = vi.spyOn(server.onair.logger, 'error');
    const { db } = server.onair.database;
    await db.execute(sql`alter table lives rename to lives_hidden`);
    try {
      const error = await refusal(server.client.live.get.query({ id: live.id }));
      expect(error.data).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 });
      expect(error.message).toBe('Internal server error');
      expect(JSON.stringify(error)).not.toMatch(/lives|select|relation/i);
      expect(JSON.stringify(logged.mock.calls)).toMatch(/lives/);
    } finally {
      await db.execute(sql`alter table lives_hidden rename to lives`);
      logged.mockRestore();
    }
  });
});

describe('request limits', () => {
  it('answers a body over the limit with a 413 the client can read', async () => {
    const response = await fetch(`${server.trpcUrl}/live.create`, post(JSON.stringify({ title: 'x'.repeat(200_000) })));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } } });
  });

  it('refuses JSON nested deeper than inputs ever are, before parsing it', async () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const response = await fetch(`${server.trpcUrl}/viewer.join`, post(deep));
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toMatch(/nested more than 32 levels/);
  });

  it('cuts off a client that sends its body too slowly (408), freeing the connection', async () => {
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    const answer = new Promise<string>((resolve) => {
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString();
      });
      socket.on('close', () => resolve(received));
    });
    socket.write(
      'POST /trpc/viewer.join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    const started = Date.now();
    expect(await answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('caps concurrent SSE streams per client address (429 with Retry-After), whichever procedure', async () => {
    const live = await server.operator.live.create.mutate({ title: 'Streams' });
    const open = async (path: string) => {
      const controller = new AbortController();
      const response = await fetch(
        `${server.trpcUrl}/${path}?input=${encodeURIComponent(JSON.stringify({ liveId: live.id, id: live.id }))}`,
        {
          signal: controller.signal,
        },
      );
      return { response, close: () => controller.abort() };
    };
    const held = [await open('viewer.onStats'), await open('live.onUpdate'), await open('viewer.onStats')];
    try {
      expect(held.map(({ response }) => response.status)).toEqual([200, 200, 200]);
      const refused = await open('live.onUpdate');
      expect(refused.response.status).toBe(429);
      expect(refused.response.headers.get('retry-after')).toBe('5');
      expect(await refused.response.json()).toMatchObject({ error: { data: { code: 'TOO_MANY_REQUESTS' } } });
    } finally {
      for (const stream of held) stream.close();
    }
    // Closed streams are counted out: the address may open again.
    await vi.waitFor(async () => {
      const again = await open('viewer.onStats');
      again.close();
      expect(again.response.status).toBe(200);
    });
  });
});

describe('joins to lives that do not exist', () => {
  it('are NOT_FOUND from a short negative cache: one query, and no entry in the active-lives set', async () => {
    const unknown = crypto.randomUUID();
    const asked = vi.spyOn(server.onair.live, 'statusForViewers');
    try {
      for (let attempt = 0; attempt < 20; attempt++) {
        const error = await refusal(server.client.viewer.join.mutate({ liveId: unknown, viewerId: `v${attempt}` }));
        expect(error.data?.code).toBe('NOT_FOUND');
      }
      expect(asked.mock.calls.filter(([liveId]) => liveId === unknown)).toHaveLength(1);
    } finally {
      asked.mockRestore();
    }
    const redis = new Redis(redisUrl);
    try {
      expect(await redis.zscore(new PresenceLayout(world.prefix, 1).activeBucket(unknown), unknown)).toBeNull();
    } finally {
      redis.disconnect();
    }
  });
});

describe('when the database is gone', () => {
  let postgresWorld: TestEnvironment;
  let onPostgres: TestServer;

  beforeAll(async () => {
    postgresWorld = await createTestEnvironment('postgres');
    onPostgres = await postgresWorld.start();
  });
  afterAll(() => postgresWorld.cleanup());

  it('answers 503 naming the database, not Redis, and /readyz says so', async () => {
    const live = await onPostgres.operator.live.create.mutate({ title: 'Before the drop' });
    await dropDatabase(postgresWorld);
    const error = await refusal(onPostgres.client.live.get.query({ id: live.id }));
    expect(error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
    expect(error.message).toMatch(/^The database is unavailable right now; retry/);
    const ready = await fetch(`${onPostgres.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ redis: 'ok', database: 'unreachable' });
  });
});

/** Drops the world's database under the running server (its cleanup then has nothing left to drop). */
async function dropDatabase(environment: TestEnvironment): Promise<void> {
  await environment.database.drop();
  environment.database.drop = async () => {};
}
