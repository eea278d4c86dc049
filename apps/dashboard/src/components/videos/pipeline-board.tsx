'use client';

import { useCallback, useEffect, useEffectEvent, useId, useRef, useState } from 'react';
import { ChoiceFilter } from '@/components/choice-filter';
import { ErrorAlert } from '@/components/error-alert';
import { FeedIndicator } from '@/components/feed-indicator';
import { browserApi } from '@/lib/browser-api';
import { fetchLiveTitles } from '@/lib/lives';
import type { QueueCounts } from '@/lib/queues';
import { SHORT_VIDEO_STATUSES, type ShortVideo, type ShortVideoStatus, STATUS_LABELS } from '@/lib/short-videos';
import { useOperatorErrors } from '@/lib/use-operator-errors';
import { useShortVideos } from '@/lib/use-short-videos';
import styles from './pipeline-board.module.css';
import { QueuesPanel } from './queues-panel';
import { ShortVideoCard } from './short-video-card';

interface PipelineBoardProps {
  initialVideos: ShortVideo[];
  initialTitles: Record<string, string>;
  initialQueues: QueueCounts;
  initialFilter: ShortVideoStatus | undefined;
}

const EMPTY_MESSAGES: Record<ShortVideoStatus | 'ALL', string> = {
  ALL: 'No short videos yet. One is made each time a live that was on air ends.',
  PENDING: 'No video is waiting for a worker.',
  PROCESSING: 'No video is being made right now.',
  READY: 'No video is ready yet.',
  FAILED: 'No video has failed.',
};

/** Every short video as it moves through the pipeline, with filters, retries, and the queues behind it. */
export function PipelineBoard({ initialVideos, initialTitles, initialQueues, initialFilter }: PipelineBoardProps) {
  const { error, handleError, clearError } = useOperatorErrors();
  const { videos, feed, receive } = useShortVideos(initialVideos, handleError);
  const [titles, setTitles] = useState(initialTitles);
  const [filter, setFilter] = useState<ShortVideoStatus | 'ALL'>(initialFilter ?? 'ALL');
  const [search, setSearch] = useState('');
  const searchId = useId();

  // Videos of lives this page has not seen yet (a live that just ended) get their title fetched once.
  const requested = useRef(new Set(Object.keys(initialTitles)));
  const reportError = useEffectEvent(handleError);
  useEffect(() => {
    const missing = videos.map((video) => video.liveId).filter((liveId) => !requested.current.has(liveId));
    if (missing.length === 0) return;
    for (const liveId of missing) requested.current.add(liveId);
    fetchLiveTitles(browserApi(), missing).then((found) => setTitles((held) => ({ ...held, ...found })), reportError);
  }, [videos]);

  const changeFilter = (next: ShortVideoStatus | 'ALL') => {
    setFilter(next);
    // The filter is part of the address, so a reload or a shared link shows the same board.
    const url = new URL(window.location.href);
    if (next === 'ALL') url.searchParams.delete('status');
    else url.searchParams.set('status', next);
    window.history.replaceState(null, '', url);
  };

  const changed = useCallback(
    (video: ShortVideo) => {
      clearError();
      receive(video);
    },
    [clearError, receive],
  );

  const counts = new Map<ShortVideoStatus, number>();
  for (const video of videos) counts.set(video.status, (counts.get(video.status) ?? 0) + 1);
  const needle = search.trim().toLocaleLowerCase();
  const shown = videos.filter(
    (video) =>
      (filter === 'ALL' || video.status === filter) &&
      (!needle || (titles[video.liveId] ?? '').toLocaleLowerCase().includes(needle)),
  );

  return (
    <main className={styles.board}>
      <div className={styles.top}>
        <h1 className={styles.heading}>Short videos</h1>
        <FeedIndicator state={feed} />
      </div>

      <QueuesPanel initial={initialQueues} onError={handleError} />

      <ErrorAlert message={error} onDismiss={clearError} />

      <div className={styles.filters}>
        <ChoiceFilter
          legend="Status"
          choices={[
            { value: 'ALL', label: 'All', count: videos.length },
            ...SHORT_VIDEO_STATUSES.map((status) => ({
              value: status,
              label: STATUS_LABELS[status],
              count: counts.get(status) ?? 0,
            })),
          ]}
          value={filter}
          onChange={changeFilter}
        />
        <div className={styles.search}>
          <label className="label" htmlFor={searchId}>
            Live
          </label>
          <input
            id={searchId}
            className="input"
            type="search"
            placeholder="Filter by the live’s title"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
      </div>

      {shown.length === 0 ? (
        <p className={styles.empty}>{needle ? 'No short video of a live with that title.' : EMPTY_MESSAGES[filter]}</p>
      ) : (
        <ul className={styles.grid} aria-label="Short videos, newest first">
          {shown.map((video) => (
            <li key={video.id} aria-label={`Short video of ${titles[video.liveId] ?? 'a live'}`}>
              <ShortVideoCard
                video={video}
                liveTitle={titles[video.liveId]}
                onChanged={changed}
                onError={handleError}
              />
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
