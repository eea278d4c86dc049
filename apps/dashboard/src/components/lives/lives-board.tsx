'use client';

import { useCallback, useMemo, useState } from 'react';
import { ChoiceFilter } from '@/components/choice-filter';
import { ErrorAlert } from '@/components/error-alert';
import { FeedIndicator } from '@/components/feed-indicator';
import { worstFeed } from '@/lib/feed';
import type { LiveSession, LiveStatus, LivesSnapshot } from '@/lib/lives';
import type { ShortVideo } from '@/lib/short-videos';
import { useLiveSessions } from '@/lib/use-live-sessions';
import { useNow } from '@/lib/use-now';
import { useOperatorErrors } from '@/lib/use-operator-errors';
import { useShortVideos } from '@/lib/use-short-videos';
import { useViewerHistories } from '@/lib/use-viewer-histories';
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

interface LivesBoardProps {
  initialLives: LivesSnapshot;
  initialVideos: ShortVideo[];
}

/**
 * The operator's overview: platform totals, then every live newest first with its audience moving in
 * real time and, once ended, its short video's progress. Create, start and end lives from here.
 */
export function LivesBoard({ initialLives, initialVideos }: LivesBoardProps) {
  const { error, handleError, clearError } = useOperatorErrors();
  const { lives, feed: livesFeed, receive, loadPage } = useLiveSessions(initialLives, handleError);
  const { videos, feed: videosFeed } = useShortVideos(initialVideos, handleError);
  const histories = useViewerHistories(lives, handleError);
  // The sparklines of lives on air slide forward with the clock.
  const now = useNow(2_000);

  const [filter, setFilter] = useState<LiveFilter>('ALL');
  // Where each filter's list continues: undefined until its first page is loaded, null at its end.
  const [cursors, setCursors] = useState<Partial<Record<LiveFilter, string | null>>>({
    ALL: initialLives.nextCursor,
    LIVE: null,
  });
  const [loading, setLoading] = useState(false);

  const videosByLive = useMemo(() => new Map(videos.map((video) => [video.liveId, video])), [videos]);
  const shown = filter === 'ALL' ? lives : lives.filter((live) => live.status === filter);

  const load = useCallback(
    async (which: LiveFilter, cursor: string | null | undefined) => {
      setLoading(true);
      try {
        const status: LiveStatus | undefined = which === 'ALL' ? undefined : which;
        const next = await loadPage(status, cursor);
        setCursors((held) => ({ ...held, [which]: next }));
      } catch (cause) {
        handleError(cause);
      } finally {
        setLoading(false);
      }
    },
    [loadPage, handleError],
  );

  const changeFilter = (next: LiveFilter) => {
    setFilter(next);
    if (cursors[next] === undefined) void load(next, undefined);
  };

  const changed = useCallback(
    (live: LiveSession) => {
      clearError();
      receive(live);
    },
    [receive, clearError],
  );

  const cursor = cursors[filter];
  return (
    <main className={styles.board}>
      <div className={styles.top}>
        <h1 className={styles.heading}>Lives</h1>
        <FeedIndicator state={worstFeed(livesFeed, videosFeed)} />
      </div>

      <PlatformTotals lives={lives} videos={videos} />

      <CreateLiveForm onCreated={changed} onError={handleError} />

      <ErrorAlert message={error} onDismiss={clearError} />

      <ChoiceFilter legend="Show" choices={FILTERS} value={filter} onChange={changeFilter} />

      {shown.length === 0 ? (
        <p className={styles.empty} role={loading ? 'status' : undefined}>
          {loading ? 'Loading lives…' : EMPTY_MESSAGES[filter]}
        </p>
      ) : (
        <ul className={styles.list} aria-label="Lives, newest first">
          {shown.map((live) => (
            <LiveRow
              key={live.id}
              live={live}
              history={histories.get(live.id)}
              video={videosByLive.get(live.id)}
              now={now}
              onChanged={changed}
              onError={handleError}
            />
          ))}
        </ul>
      )}

      {cursor && (
        <button
          className={`button ${styles.older}`}
          data-variant="secondary"
          type="button"
          disabled={loading}
          onClick={() => void load(filter, cursor)}
        >
          {loading ? 'Loading…' : 'Show older lives'}
        </button>
      )}
    </main>
  );
}
