'use client';

import { useQueryClient } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { useMemo, useState } from 'react';
import { ChoiceFilter } from '@/components/choice-filter';
import { ErrorAlert } from '@/components/error-alert';
import { FeedIndicator } from '@/components/feed-indicator';
import { Field } from '@/components/field';
import { OlderPageButton } from '@/components/older-page-button';
import { useOperatorErrors } from '@/components/query-provider';
import { receiveVideo, refetchWhenFeedStarts } from '@/lib/cache';
import { useFeedState } from '@/lib/feed';
import { boardListInput, SHORT_VIDEO_STATUSES, type ShortVideoStatus, STATUS_LABELS } from '@/lib/short-videos';
import { trpc } from '@/lib/trpc';
import styles from './pipeline-board.module.css';
import { QueuesPanel } from './queues-panel';
import { ShortVideoCard } from './short-video-card';

const EMPTY_MESSAGES: Record<ShortVideoStatus | 'ALL', string> = {
  ALL: 'No short videos yet. One is made each time a live that was on air ends.',
  PENDING: 'No video is waiting for a worker.',
  PROCESSING: 'No video is being made right now.',
  READY: 'No video is ready yet.',
  FAILED: 'No video has failed.',
};

const FILTERS = [
  { value: 'ALL', label: 'All' },
  ...SHORT_VIDEO_STATUSES.map((status) => ({ value: status, label: STATUS_LABELS[status] })),
] as const;

/**
 * Every short video as it moves through the pipeline, newest first a page at a time, with filters,
 * retries, and the queues behind it.
 */
export function PipelineBoard({ initialFilter }: { initialFilter: ShortVideoStatus | undefined }) {
  const { error, clearError } = useOperatorErrors();
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState<ShortVideoStatus | 'ALL'>(initialFilter ?? 'ALL');
  const [search, setSearch] = useState('');

  const list = trpc.shortVideo.list.useInfiniteQuery(boardListInput(filter === 'ALL' ? undefined : filter), {
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: (previous) => previous,
  });
  const subscription = trpc.shortVideo.onUpdate.useSubscription(
    {},
    {
      onStarted: () => refetchWhenFeedStarts(queryClient, getQueryKey(trpc.shortVideo.list)),
      onData: ({ data }) => receiveVideo(queryClient, data),
    },
  );
  const feed = useFeedState(subscription.status);

  const changeFilter = (next: ShortVideoStatus | 'ALL') => {
    setFilter(next);
    // The filter is part of the address, so a reload or a shared link shows the same board.
    const url = new URL(window.location.href);
    if (next === 'ALL') url.searchParams.delete('status');
    else url.searchParams.set('status', next);
    window.history.replaceState(null, '', url);
  };

  const videos = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const needle = search.trim().toLocaleLowerCase();
  const shown = needle ? videos.filter((video) => video.liveTitle.toLocaleLowerCase().includes(needle)) : videos;
  const loading = list.isPending || (list.isPlaceholderData && list.isFetching);

  return (
    <main className="page-layout">
      <div className="title-bar">
        <h1 className="page-heading">Short videos</h1>
        <FeedIndicator state={feed} />
      </div>

      <QueuesPanel />

      <ErrorAlert message={error} onDismiss={clearError} />

      <div className="filter-bar">
        <ChoiceFilter legend="Status" choices={FILTERS} value={filter} onChange={changeFilter} />
        <Field
          className={styles.search}
          label="Live"
          type="search"
          placeholder="Filter by the live’s title"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>

      {shown.length === 0 ? (
        <p className="empty-state" role={loading ? 'status' : undefined}>
          {loading ? 'Loading videos…' : needle ? 'No short video of a live with that title.' : EMPTY_MESSAGES[filter]}
        </p>
      ) : (
        <ul
          className={styles.grid}
          aria-label="Short videos, newest first"
          aria-busy={loading || undefined}
          data-stale={feed !== 'live' || loading || undefined}
        >
          {shown.map((video) => (
            <li key={video.id} aria-label={`Short video of ${video.liveTitle}`}>
              <ShortVideoCard video={video} showLive />
            </li>
          ))}
        </ul>
      )}

      <OlderPageButton list={list} label="Show older videos" />
    </main>
  );
}
