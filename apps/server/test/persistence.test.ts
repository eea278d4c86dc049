import { describe, expect } from 'vitest';
import { test } from './support/fixtures';

describe.each(['pglite', 'postgres'] as const)('persistence on %s', (kind) => {
  test('keeps a live session across a server restart', async ({ isolatedWorld }) => {
    const world = await isolatedWorld(kind);
    const first = await world.start();
    const live = await first.operator.live.create.mutate({ title: `Survives on ${kind}`, idempotencyKey: 'restart' });
    await first.operator.live.start.mutate({ id: live.id });
    await first.stop();

    const second = await world.start();
    const reloaded = await second.client.live.get.query({ id: live.id });
    expect(reloaded).toMatchObject({ id: live.id, title: `Survives on ${kind}`, status: 'LIVE' });
    expect((await second.operator.live.create.mutate({ title: 'ignored', idempotencyKey: 'restart' })).id).toBe(
      live.id,
    );
    expect(second.onair.database.kind).toBe(kind);
  });
});
