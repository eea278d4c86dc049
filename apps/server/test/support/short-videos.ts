import type { ShortVideo } from '@onair/api';
import { lives, shortVideos } from '@onair/api/tables';
import type { OnAirClient } from '@onair/client';
import { eq, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Redis } from 'ioredis';
import { expect, vi } from 'vitest';

type Database = PgDatabase<PgQueryResultHKT>;

/** Creates a live, puts it on air and returns its id (ending it is the test's business). */
export async function liveOnAir(operator: OnAirClient, title: string): Promise<string> {
  const live = await operator.live.create.mutate({ title });
  await operator.live.start.mutate({ id: live.id });
  return live.id;
}

/** The short videos of a live (there must never be more than one). */
export async function videosOf(client: OnAirClient, liveId: string): Promise<ShortVideo[]> {
  return (await client.shortVideo.list.query({ liveId, limit: 100 })).items;
}

/** Polls until the live's one short video matches; generous by default for a loaded 2-core machine. */
export async function waitForVideo(
  client: OnAirClient,
  liveId: string,
  matches: (video: ShortVideo) => boolean,
  timeout = 60_000,
): Promise<ShortVideo> {
  return vi.waitFor(
    async () => {
      const videos = await videosOf(client, liveId);
      expect(videos.length, 'videos of the live').toBeLessThanOrEqual(1);
      const [video] = videos;
      expect(video && matches(video), `short video of ${liveId}: ${JSON.stringify(video)}`).toBe(true);
      return video as ShortVideo;
    },
    { timeout, interval: 100 },
  );
}

/** Pretends the live went on air `seconds` ago, so its recording is long enough for a 30-second clip. */
export async function backdateStart(db: Database, liveId: string, seconds: number): Promise<Date> {
  const [row] = await db
    .update(lives)
    .set({ startedAt: sql`now() - (${seconds} * interval '1 second')` })
    .where(eq(lives.id, liveId))
    .returning({ startedAt: lives.startedAt });
  if (!row?.startedAt) throw new Error(`live ${liveId} has no start`);
  return row.startedAt;
}

/** The stages a video recorded as done (internal bookkeeping, not part of the contract). */
export async function completedStagesOf(db: Database, shortVideoId: string): Promise<string[]> {
  const [row] = await db
    .select({ completedStages: shortVideos.completedStages })
    .from(shortVideos)
    .where(eq(shortVideos.id, shortVideoId));
  return row?.completedStages ?? [];
}

export const allStages = ['fetch-recording', 'detect-highlight', 'render', 'thumbnail'];

/** A consumer group of the event stream as XINFO GROUPS describes it (pending, lag, entries-read, ...). */
export async function streamGroup(redis: Redis, stream: string, group: string): Promise<Record<string, unknown>> {
  const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
  for (const flat of groups) {
    const info: Record<string, unknown> = {};
    for (let index = 0; index + 1 < flat.length; index += 2) info[String(flat[index])] = flat[index + 1];
    if (info.name === group) return info;
  }
  return {};
}
