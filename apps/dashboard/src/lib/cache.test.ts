import { QueryClient } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { describe, expect, it } from 'vitest';
import { receiveStats, receiveVideo } from './cache';
import type { LiveSession } from './lives';
import type { Page } from './pages';
import type { ShortVideo } from './short-videos';
import { trpc } from './trpc';

/** Only the fields the cache reads; the rest of a video does not matter here. */
const video = (id: string, status: string, updatedAt: string) =>
  ({ id, liveId: `live-${id}`, status, createdAt: '2026-12-02T12:00:00.000Z', updatedAt }) as unknown as ShortVideo;

function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('receiveVideo', () => {
  it('applies a change that arrives during a fetch again when the fetch lands with older data', async () => {
    const queryClient = new QueryClient();
    const queryKey = getQueryKey(trpc.shortVideo.list, {}, 'query');
    const pending = video('a', 'PENDING', '2026-12-02T12:00:00.000Z');
    queryClient.setQueryData<Page<ShortVideo>>(queryKey, { items: [pending], nextCursor: null });

    // A refetch is under way; it read the list before the video became READY.
    const read = deferred<Page<ShortVideo>>();
    const fetching = queryClient.fetchQuery({ queryKey, queryFn: () => read.promise, staleTime: 0 });
    const ready = video('a', 'READY', '2026-12-02T12:00:05.000Z');
    receiveVideo(queryClient, ready);
    read.resolve({ items: [pending], nextCursor: null });
    await fetching;

    const state = queryClient.getQueryState(queryKey);
    expect(state?.error).toBeNull();
    expect(queryClient.getQueryData<Page<ShortVideo>>(queryKey)?.items).toEqual([ready]);

    // Later writes of the cache (a change arriving now) are not echoed back: the watch has ended.
    const failed = video('a', 'FAILED', '2026-12-02T12:00:09.000Z');
    receiveVideo(queryClient, failed);
    expect(queryClient.getQueryData<Page<ShortVideo>>(queryKey)?.items).toEqual([failed]);
    queryClient.clear();
  });
});

describe('receiveStats', () => {
  it("keeps a live's newer counts when a fetch of the live under way lands with older ones", async () => {
    const queryClient = new QueryClient();
    const queryKey = getQueryKey(trpc.live.get, { id: 'l1' }, 'query');
    const stats = (current: number, second: number) => ({
      liveId: 'l1',
      current,
      peak: current,
      unique: current,
      updatedAt: `2026-12-02T12:00:0${second}.000Z`,
    });
    const live = (current: number, second: number) =>
      ({ id: 'l1', stats: stats(current, second) }) as unknown as LiveSession;
    queryClient.setQueryData(queryKey, live(1, 0));

    const read = deferred<LiveSession>();
    const fetching = queryClient.fetchQuery({ queryKey, queryFn: () => read.promise, staleTime: 0 });
    receiveStats(queryClient, stats(40, 5));
    read.resolve(live(1, 0));
    await fetching;

    expect(queryClient.getQueryState(queryKey)?.error).toBeNull();
    expect(queryClient.getQueryData<LiveSession>(queryKey)?.stats.current).toBe(40);
    queryClient.clear();
  });
});
