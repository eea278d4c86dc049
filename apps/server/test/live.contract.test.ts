import { outbox } from '@onair/api/tables';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { test } from './support/fixtures';
import { refusal } from './support/refusal';

describe('operator credentials', () => {
  test('refuses live.create without a token with UNAUTHORIZED (401)', async ({ server }) => {
    const error = await refusal(server.client.live.create.mutate({ title: 'No token' }));
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
  });

  test('refuses live.create with a wrong token', async ({ server }) => {
    const error = await refusal(server.clientWith('not-the-token-at-all').live.create.mutate({ title: 'Wrong' }));
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
  });

  test('refuses start and end without a token, and changes nothing', async ({ server }) => {
    const live = await server.operator.live.create.mutate({ title: 'Guarded' });
    await refusal(server.client.live.start.mutate({ id: live.id }));
    await refusal(server.clientWith('Bearer-ish-but-wrong').live.end.mutate({ id: live.id }));
    expect((await server.client.live.get.query({ id: live.id })).status).toBe('SCHEDULED');
  });

  test('accepts the operator token on operator.session', async ({ server }) => {
    await expect(server.operator.operator.session.query()).resolves.toEqual({ operator: true });
  });
});

describe('live lifecycle', () => {
  test('creates a SCHEDULED live with empty stats and ISO timestamps', async ({ server }) => {
    const live = await server.operator.live.create.mutate({
      title: 'Spring drop',
      scheduledAt: '2026-12-01T18:00:00Z',
    });
    expect(live).toMatchObject({
      title: 'Spring drop',
      status: 'SCHEDULED',
      scheduledAt: '2026-12-01T18:00:00.000Z',
      startedAt: null,
      endedAt: null,
      recordingUrl: null,
      stats: { liveId: live.id, current: 0, peak: 0, unique: 0 },
    });
    expect(new Date(live.createdAt).toISOString()).toBe(live.createdAt);
  });

  test('returns the same session for the same idempotencyKey', async ({ server }) => {
    const key = `key-${Math.random()}`;
    const first = await server.operator.live.create.mutate({ title: 'Once', idempotencyKey: key });
    const again = await server.operator.live.create.mutate({ title: 'Once', idempotencyKey: key });
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, () => server.operator.live.create.mutate({ title: 'Once', idempotencyKey: key })),
    );
    expect(again.id).toBe(first.id);
    expect(new Set(concurrent.map((live) => live.id))).toEqual(new Set([first.id]));
  });

  test('starts, ends, and ends again with exactly one live.ended outbox row', async ({ server }) => {
    const live = await server.operator.live.create.mutate({ title: 'Goes live' });
    const started = await server.operator.live.start.mutate({ id: live.id });
    expect(started.status).toBe('LIVE');
    expect(started.startedAt).not.toBeNull();
    expect((await server.operator.live.start.mutate({ id: live.id })).startedAt).toBe(started.startedAt);

    const ended = await server.operator.live.end.mutate({ id: live.id });
    const endedAgain = await server.operator.live.end.mutate({ id: live.id });
    expect(ended.status).toBe('ENDED');
    expect(endedAgain.endedAt).toBe(ended.endedAt);

    const rows = await server.onair.database.db.select().from(outbox).where(eq(outbox.type, 'live.ended'));
    const mine = rows.filter((row) => (row.payload as { liveId: string }).liveId === live.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.payload).toMatchObject({ liveId: live.id, title: 'Goes live', endedAt: ended.endedAt });
  });

  test('ends a SCHEDULED live as cancelled, without a live.ended event', async ({ server }) => {
    const live = await server.operator.live.create.mutate({ title: 'Cancelled' });
    const ended = await server.operator.live.end.mutate({ id: live.id });
    expect(ended).toMatchObject({ status: 'ENDED', startedAt: null });
    const rows = await server.onair.database.db.select().from(outbox);
    expect(rows.some((row) => (row.payload as { liveId: string }).liveId === live.id)).toBe(false);
  });

  test('refuses to start an ENDED live with CONFLICT (409)', async ({ server }) => {
    const live = await server.operator.live.create.mutate({ title: 'Over' });
    await server.operator.live.end.mutate({ id: live.id });
    const error = await refusal(server.operator.live.start.mutate({ id: live.id }));
    expect(error.data).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
    expect((await server.client.live.get.query({ id: live.id })).status).toBe('ENDED');
  });
});

describe('errors name what is wrong', () => {
  test('answers NOT_FOUND (404) for an unknown id', async ({ server }) => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const call of [
      server.client.live.get.query({ id }),
      server.operator.live.start.mutate({ id }),
      server.operator.live.end.mutate({ id }),
    ]) {
      const error = await refusal(call);
      expect(error.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    }
  });

  test('answers BAD_REQUEST naming title for an empty or a 200-character title, and creates nothing', async ({
    server,
  }) => {
    const before = await server.client.live.list.query({ limit: 100 });
    for (const title of ['', '   ', 'x'.repeat(200)]) {
      const error = await refusal(server.operator.live.create.mutate({ title }));
      expect(error.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
      expect(error.data?.issues?.map((issue) => issue.path)).toEqual(['title']);
      expect(error.message).toMatch(/^title: /);
    }
    const after = await server.client.live.list.query({ limit: 100 });
    expect(after.items.map((live) => live.id)).toEqual(before.items.map((live) => live.id));
  });

  test('answers BAD_REQUEST naming id for a malformed id', async ({ server }) => {
    const error = await refusal(server.client.live.get.query({ id: 'not-a-uuid' }));
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(error.data?.issues?.[0]?.path).toBe('id');
  });

  test('answers 400, never 500, for raw malformed requests', async ({ server }) => {
    const responses = await Promise.all([
      fetch(`${server.trpcUrl}/live.get?input=%7Bnot-json`),
      fetch(`${server.trpcUrl}/live.list?input=${encodeURIComponent(JSON.stringify({ cursor: 'garbage' }))}`),
      fetch(`${server.trpcUrl}/live.create`, {
        method: 'POST',
        headers: { authorization: 'Bearer test-operator-token-0123456789', 'content-type': 'application/json' },
        body: '{"title": 12',
      }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([400, 400, 400]);
    const cursorError = (await responses[1]?.json()) as { error: { message: string } };
    expect(cursorError.error.message).toMatch(/^cursor: /);
  });
});

describe('live.list', () => {
  test('pages through 45 lives newest first without gaps or repeats', async ({ isolatedWorld }) => {
    const own = await (await isolatedWorld()).start();
    const created: string[] = [];
    for (let index = 0; index < 45; index++) {
      created.push((await own.operator.live.create.mutate({ title: `Live ${index}` })).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await own.client.live.list.query({
        limit: 20,
        cursor,
      });
      seen.push(...page.items.map((live) => live.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...created].reverse());

    const defaults = await own.client.live.list.query({});
    expect(defaults.items).toHaveLength(20);
    await own.operator.live.start.mutate({ id: created[3] as string });
    const onAir = await own.client.live.list.query({ status: 'LIVE' });
    expect(onAir.items.map((live) => live.id)).toEqual([created[3]]);
    expect(onAir.nextCursor).toBeNull();
    const error = await refusal(own.client.live.list.query({ limit: 101 }));
    expect(error.data?.issues?.[0]?.path).toBe('limit');
  });
});
