import { afterEach, describe, expect, it } from 'vitest';
import { createTestEnvironment, type TestEnvironment } from './support/server';

describe.each(['pglite', 'postgres'] as const)('persistence on %s', (kind) => {
  let world: TestEnvironment | undefined;
  afterEach(async () => {
    await world?.cleanup();
    world = undefined;
  });

  it('keeps a live session across a server restart', async () => {
    world = await createTestEnvironment(kind);
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
