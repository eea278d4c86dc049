import { InfiniteQueryObserver, QueryClient } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { describe, expect, it } from 'vitest';
import { receiveStats, receiveVideo, refetchWhenFeedStarts } from './cache';
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

  it('takes counts changed within the same millisecond in the order they arrive', () => {
    const queryClient = new QueryClient();
    const queryKey = getQueryKey(trpc.live.get, { id: 'l1' }, 'query');
    const at = '2026-12-02T12:00:01.000Z';
    const stats = (current: number) => ({ liveId: 'l1', current, peak: current, unique: current, updatedAt: at });
    queryClient.setQueryData(queryKey, { id: 'l1', stats: stats(0) } as unknown as LiveSession);
    receiveStats(queryClient, stats(1));
    receiveStats(queryClient, stats(40));
    expect(queryClient.getQueryData<LiveSession>(queryKey)?.stats.current).toBe(40);
    queryClient.clear();
  });
});

describe('refetchWhenFeedStarts', () => {
  it('lets an older page under way land, then refetches every page held', async () => {
    const queryClient = new QueryClient();
    const queryKey = getQueryKey(trpc.shortVideo.list, {}, 'infinite');
    const newer = video('b', 'READY', '2026-12-02T12:00:05.000Z');
    const older = video('a', 'READY', '2026-12-02T12:00:00.000Z');
    const olderPage = deferred<Page<ShortVideo>>();
    const reads: (string | null)[] = [];
    const observer = new InfiniteQueryObserver(queryClient, {
      queryKey,
      initialPageParam: null as string | null,
      getNextPageParam: (page: Page<ShortVideo>) => page.nextCursor,
      queryFn: ({ pageParam }) => {
        reads.push(pageParam);
        if (pageParam === null) return { items: [newer], nextCursor: 'b' };
        // The first read of the older page is held until the feed has started; refetches answer at once.
        return reads.filter((read) => read === 'b').length === 1
          ? olderPage.promise
          : { items: [older], nextCursor: null };
      },
    });
    const stop = observer.subscribe(() => {});
    await expect.poll(() => observer.getCurrentResult().data?.pages.length).toBe(1);

    const loadingOlder = observer.fetchNextPage();
    refetchWhenFeedStarts(queryClient, getQueryKey(trpc.shortVideo.list));
    olderPage.resolve({ items: [older], nextCursor: null });
    await loadingOlder;

    // The page asked for is there, and the whole list was read again after it (first page, then older).
    await expect.poll(() => reads).toEqual([null, 'b', null, 'b']);
    await expect.poll(() => observer.getCurrentResult().isFetching).toBe(false);
    expect(observer.getCurrentResult().data?.pages.map((page) => page.items)).toEqual([[newer], [older]]);
    stop();
    queryClient.clear();
  });
});
