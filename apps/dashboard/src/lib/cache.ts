import type { RouterInputs, RouterOutputs } from '@onair/client';
import type { InfiniteData, Query, QueryClient, QueryKey } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import type { LiveSession } from './lives';
import { type Listed, type Page, placeInPages } from './pages';
import type { ShortVideo } from './short-videos';
import { trpc } from './trpc';
import type { ViewerStats } from './viewer-history';

/**
 * How a subscription's events are merged into the query cache: each changed live or video replaces
 * its previous version wherever a cached list or lookup holds it, joins the lists it now belongs to
 * (within the part already loaded), and leaves those it no longer belongs to. A page that reads from
 * the cache then shows the change, without a request.
 */

type ListInput = { status?: string | undefined; title?: string | undefined; liveId?: string | undefined } | undefined;

/** The cached lists of one procedure, plain (`useQuery`) or paged (`useInfiniteQuery`), with their input. */
function updateLists<T extends Listed>(
  queryClient: QueryClient,
  queryKey: QueryKey,
  update: (pages: readonly Page<T>[], input: ListInput) => Page<T>[],
): void {
  const cache = queryClient.getQueryCache();
  for (const query of cache.findAll({ queryKey })) {
    const meta = query.queryKey[1] as { input?: ListInput; type?: string } | undefined;
    const apply = () => {
      const data = query.state.data as InfiniteData<Page<T>> | Page<T> | undefined;
      if (!data) return;
      if ('pages' in data) {
        queryClient.setQueryData(query.queryKey, { ...data, pages: update(data.pages, meta?.input) });
      } else {
        queryClient.setQueryData(query.queryKey, update([data], meta?.input)[0]);
      }
    };
    applyAcrossFetch(queryClient, query, apply);
  }
}

/**
 * Applies a received change to a cached query now, and again once a fetch under way has landed: the
 * fetch lands with what it read (a next page is added to the pages as they were when it started),
 * which may predate the change.
 */
function applyAcrossFetch(queryClient: QueryClient, query: Query, apply: () => void): void {
  apply();
  whenFetchLands(queryClient, query, apply);
}

/** `then` once the query's fetch under way has landed (or failed); nothing when none is under way. */
function whenFetchLands(queryClient: QueryClient, query: Query, then: () => void): void {
  if (query.state.fetchStatus !== 'fetching') return;
  // Only the fetch's own landing counts: `setQueryData` (ours included) dispatches a manual success,
  // which would run `then` from inside itself, without end.
  const stop = queryClient.getQueryCache().subscribe((event) => {
    if (event.query !== query || event.type !== 'updated') return;
    const { action } = event;
    if (action.type === 'error' || (action.type === 'success' && !action.manual)) {
      stop();
      then();
    }
  });
}

/**
 * A feed that (re)started carries only the changes made after it: what the cache holds under
 * `queryKey` is fetched again. A fetch under way (an older page the operator asked for) lands first,
 * since refetching now would cancel it and that page would never come.
 */
export function refetchWhenFeedStarts(queryClient: QueryClient, queryKey: QueryKey): void {
  for (const query of queryClient.getQueryCache().findAll({ queryKey })) {
    const refetch = () => void queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true });
    if (query.state.fetchStatus === 'fetching') whenFetchLands(queryClient, query, refetch);
    else refetch();
  }
}

/** The cached query under exactly `queryKey`, its data changed by `update` (undefined: no change), across a fetch under way. */
function updateLookup<T>(queryClient: QueryClient, queryKey: QueryKey, update: (held: T) => T | undefined): void {
  const query = queryClient.getQueryCache().find({ queryKey, exact: true });
  if (!query) return;
  applyAcrossFetch(queryClient, query, () => {
    const held = query.state.data as T | undefined;
    const next = held === undefined ? undefined : update(held);
    if (next !== undefined) queryClient.setQueryData(queryKey, next);
  });
}

function findIn<T extends Listed>(pages: readonly Page<T>[], id: string): T | undefined {
  for (const page of pages) {
    const found = page.items.find((item) => item.id === id);
    if (found) return found;
  }
  return undefined;
}

/**
 * The newer of two snapshots of the same live's counts, `b` being the one received last. Counts
 * changed within one millisecond (a batch of joins) carry the same time: the last received wins.
 */
export function newerStats(a: ViewerStats, b: ViewerStats): ViewerStats {
  return b.updatedAt >= a.updatedAt ? b : a;
}

function titleMatches(title: string, wanted: string | undefined): boolean {
  return !wanted || title.toLocaleLowerCase().includes(wanted.trim().toLocaleLowerCase());
}

/** A live's change (`live.onUpdate`, or a mutation's answer) into every cached list and lookup. */
export function receiveLive(queryClient: QueryClient, live: LiveSession): void {
  updateLists<LiveSession>(queryClient, getQueryKey(trpc.live.list), (pages, input) => {
    const held = findIn(pages, live.id);
    const next = held ? { ...live, stats: newerStats(held.stats, live.stats) } : live;
    const belongs = (!input?.status || input.status === live.status) && titleMatches(live.title, input?.title);
    return placeInPages(pages, next, belongs);
  });
  updateLookup<LiveSession>(queryClient, getQueryKey(trpc.live.get, { id: live.id }, 'query'), (held) => ({
    ...live,
    stats: newerStats(held.stats, live.stats),
  }));
  receiveStats(queryClient, live.stats);
}

/** A live's counts (`viewer.onStats`): its lookup's figures, and a point on its audience curve. */
export function receiveStats(queryClient: QueryClient, stats: ViewerStats): void {
  updateLookup<LiveSession>(queryClient, getQueryKey(trpc.live.get, { id: stats.liveId }, 'query'), (live) =>
    newerStats(live.stats, stats) === stats && live.stats !== stats ? { ...live, stats } : undefined,
  );
  type Timeline = RouterOutputs['viewer']['timeline'];
  updateLookup<Timeline>(
    queryClient,
    getQueryKey(trpc.viewer.timeline, { liveId: stats.liveId }, 'query'),
    (timeline) => {
      const points = withPoint(timeline.points, stats.updatedAt, stats.current);
      return points === timeline.points ? undefined : { ...timeline, points };
    },
  );
}

type TimelinePoint = RouterOutputs['viewer']['timeline']['points'][number];

/** The curve with a newer count added; an older or identical one (a replayed event) changes nothing. */
export function withPoint(points: readonly TimelinePoint[], at: string, count: number): TimelinePoint[] {
  const last = points.at(-1);
  if (last && (at < last.at || (at === last.at && count === last.count))) return points as TimelinePoint[];
  if (last && at === last.at) return [...points.slice(0, -1), { at, count }];
  return [...points, { at, count }];
}

/**
 * A video's change (`shortVideo.onUpdate`, or a retry's answer) into every cached list, unless the
 * version held is newer (a list fetched after a reconnect may predate an event already received).
 * Its lookup, which carries its history, is fetched again: the history is the server's record.
 */
export function receiveVideo(queryClient: QueryClient, video: ShortVideo): void {
  updateLists<ShortVideo>(queryClient, getQueryKey(trpc.shortVideo.list), (pages, input) => {
    const held = findIn(pages, video.id);
    if (held && held.updatedAt > video.updatedAt) return [...pages];
    const belongs =
      (!input?.status || input.status === video.status) && (!input?.liveId || input.liveId === video.liveId);
    return placeInPages(pages, video, belongs);
  });
  void queryClient.invalidateQueries({ queryKey: getQueryKey(trpc.shortVideo.get, { id: video.id }, 'query') });
}

export type LiveListInput = RouterInputs['live']['list'];
