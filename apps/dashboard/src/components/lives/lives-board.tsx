'use client';

import { useQueryClient } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { ChoiceFilter } from '@/components/choice-filter';
import { ErrorAlert } from '@/components/error-alert';
import { FeedIndicator } from '@/components/feed-indicator';
import { Field } from '@/components/field';
import { OlderPageButton } from '@/components/older-page-button';
import { useOperatorErrors } from '@/components/query-provider';
import { receiveLive, receiveVideo, refetchWhenFeedStarts } from '@/lib/cache';
import { useFeedState, worstFeed } from '@/lib/feed';
import { type LiveStatus, livesListInput, ON_AIR_INPUT } from '@/lib/lives';
import { OVERVIEW_VIDEO_LISTS, type ShortVideo } from '@/lib/short-videos';
import { trpc } from '@/lib/trpc';
import { useNow } from '@/lib/use-now';
import { CreateLiveForm } from './create-live-form';
import { LiveRow } from './live-row';
import styles from './lives-board.module.css';
import { PlatformTotals } from './platform-totals';

type LiveFilter = LiveStatus | 'ALL';

const FILTERS = [
  { value: 'ALL', label: 'All' },
  { value: 'LIVE', label: 'On air' },
  { value: 'SCHEDULED', label: 'Scheduled' },
  { value: 'ENDED', label: 'Ended' },
] as const;

const EMPTY_MESSAGES: Record<LiveFilter, string> = {
  ALL: 'No lives yet. Create the first one above.',
  LIVE: 'No live is on air right now.',
  SCHEDULED: 'No live is waiting to start.',
  ENDED: 'No live has ended yet.',
};

/**
 * The operator's overview: platform totals, then every live newest first with its audience moving in
 * real time and, once ended, its short video's progress. Create, start, end and cancel lives from
 * here, and find one by its title (`/` goes to the search).
 */
export function LivesBoard() {
  const { error, clearError } = useOperatorErrors();
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState<LiveFilter>('ALL');
  const [search, setSearch] = useState('');
  const title = useDeferredValue(search);
  const searchRef = useRef<HTMLInputElement>(null);

  const input = livesListInput(filter === 'ALL' ? undefined : filter, title);
  const list = trpc.live.list.useInfiniteQuery(input, {
    getNextPageParam: (page) => page.nextCursor,
    // While another filter or search loads, the previous list stays (dimmed) rather than vanishing.
    placeholderData: (previous) => previous,
  });
  const onAir = trpc.live.list.useQuery(ON_AIR_INPUT);
  const videoLists = trpc.useQueries((t) => OVERVIEW_VIDEO_LISTS.map((videos) => t.shortVideo.list(videos)));

  // A subscription only carries changes made after it (re)started: each start refetches what the
  // page holds, and from then on every event is merged into the cache.
  const livesFeed = trpc.live.onUpdate.useSubscription(
    {},
    {
      onStarted: () => {
        refetchWhenFeedStarts(queryClient, getQueryKey(trpc.live.list));
        refetchWhenFeedStarts(queryClient, getQueryKey(trpc.viewer.timeline));
      },
      onData: ({ data }) => receiveLive(queryClient, data),
    },
  );
  const videosFeed = trpc.shortVideo.onUpdate.useSubscription(
    {},
    {
      onStarted: () => refetchWhenFeedStarts(queryClient, getQueryKey(trpc.shortVideo.list)),
      onData: ({ data }) => receiveVideo(queryClient, data),
    },
  );
  const feed = worstFeed(useFeedState(livesFeed.status), useFeedState(videosFeed.status));

  const lives = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const videosByLive = useMemo(() => {
    const byLive = new Map<string, ShortVideo>();
    for (const result of videoLists) {
      for (const video of result.data?.items ?? []) {
        const held = byLive.get(video.liveId);
        if (!held || held.updatedAt < video.updatedAt) byLive.set(video.liveId, video);
      }
    }
    return byLive;
  }, [videoLists]);
  // The audience curve of each live shown that has one: fetched once, then extended by the feed.
  const timelines = trpc.useQueries((t) =>
    lives
      .filter((live) => live.status !== 'SCHEDULED')
      .map((live) => t.viewer.timeline({ liveId: live.id }, { staleTime: Number.POSITIVE_INFINITY })),
  );
  const timelineByLive = new Map(
    timelines.flatMap((result) => (result.data ? [[result.data.liveId, result.data]] : [])),
  );
  // The sparklines of lives on air slide forward with the clock.
  const now = useNow(2_000);

  // `/` goes to the search from anywhere on the page but a field.
  useEffect(() => {
    const focusSearch = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      event.preventDefault();
      searchRef.current?.focus();
    };
    window.addEventListener('keydown', focusSearch);
    return () => window.removeEventListener('keydown', focusSearch);
  }, []);

  const searching = title.trim() !== '';
  const loading = list.isPending || (list.isPlaceholderData && list.isFetching);
  return (
    <main className="page-layout">
      <div className="title-bar">
        <h1 className="page-heading">Lives</h1>
        <FeedIndicator state={feed} />
      </div>

      <PlatformTotals
        onAir={onAir.data?.items ?? []}
        videos={[...videosByLive.values()]}
        stale={feed !== 'live'}
        now={now}
      />

      <CreateLiveForm />

      <ErrorAlert message={error} onDismiss={clearError} />

      <div className="filter-bar">
        <ChoiceFilter legend="Show" choices={FILTERS} value={filter} onChange={setFilter} />
        <Field
          className={styles.search}
          label={
            <>
              Search lives <kbd className={styles.key}>/</kbd>
            </>
          }
          ref={searchRef}
          type="search"
          placeholder="Part of a title"
          value={search}
          maxLength={120}
          onChange={(event) => {
            clearError();
            setSearch(event.target.value);
          }}
          aria-keyshortcuts="/"
          autoComplete="off"
        />
      </div>

      {lives.length === 0 ? (
        <p className="empty-state" role={loading ? 'status' : undefined}>
          {loading
            ? 'Loading lives…'
            : searching
              ? `No live with “${title.trim()}” in its title.`
              : EMPTY_MESSAGES[filter]}
        </p>
      ) : (
        <ul
          className={styles.list}
          aria-label="Lives, newest first"
          aria-busy={loading || undefined}
          data-loading={loading || undefined}
        >
          {lives.map((live) => (
            <LiveRow
              key={live.id}
              live={live}
              timeline={timelineByLive.get(live.id)?.points}
              video={videosByLive.get(live.id)}
              now={now}
              stale={feed !== 'live'}
            />
          ))}
        </ul>
      )}

      <OlderPageButton list={list} label="Show older lives" />
    </main>
  );
}
