import { useCallback, useEffect, useEffectEvent, useMemo, useState } from 'react';
import { browserApi } from './browser-api';
import { type FeedState, followConnection, worstFeed } from './feed';
import type { LiveSession } from './lives';
import { type CountPoint, fromTimeline, mergeCounts, type ViewerStats, withCount } from './viewer-history';

/** The newer of two snapshots of the same live's counts. */
function newerStats(a: ViewerStats, b: ViewerStats): ViewerStats {
  return b.updatedAt > a.updatedAt ? b : a;
}

/**
 * One live as its page follows it: its status (`live.onUpdate`), its counts at up to ten updates a
 * second (`viewer.onStats`, whose first event is always the current snapshot) and its audience curve
 * (`viewer.timeline`, refetched whenever the stats feed reconnects so a gap is filled from the server).
 */
export function useLiveDetail(
  initialLive: LiveSession,
  initialHistory: CountPoint[],
  onError: (error: unknown) => void,
) {
  const liveId = initialLive.id;
  const [live, setLive] = useState(initialLive);
  const [stats, setStats] = useState(initialLive.stats);
  const [history, setHistory] = useState(initialHistory);
  const [liveFeed, setLiveFeed] = useState<FeedState>('connecting');
  const [statsFeed, setStatsFeed] = useState<FeedState>('connecting');
  const reportError = useEffectEvent(onError);

  const receiveStats = useCallback((next: ViewerStats) => {
    setStats((held) => newerStats(held, next));
    setHistory((held) => withCount(held, Date.parse(next.updatedAt), next.current));
  }, []);

  const receiveLive = useCallback(
    (next: LiveSession) => {
      setLive(next);
      receiveStats(next.stats);
    },
    [receiveStats],
  );

  useEffect(() => {
    const api = browserApi();
    const statusSubscription = api.live.onUpdate.subscribe(
      { id: liveId },
      {
        onStarted: () => {
          api.live.get.query({ id: liveId }).then(receiveLive, reportError);
        },
        onData: ({ data }) => receiveLive(data),
        ...followConnection(setLiveFeed),
      },
    );
    let startedBefore = false;
    const statsSubscription = api.viewer.onStats.subscribe(
      { liveId },
      {
        onStarted: () => {
          if (startedBefore) {
            api.viewer.timeline
              .query({ liveId })
              .then((timeline) => setHistory((held) => mergeCounts(fromTimeline(timeline), held)), reportError);
          }
          startedBefore = true;
        },
        onData: ({ data }) => receiveStats(data),
        ...followConnection(setStatsFeed),
      },
    );
    return () => {
      statusSubscription.unsubscribe();
      statsSubscription.unsubscribe();
    };
  }, [liveId, receiveLive, receiveStats]);

  const shownLive = useMemo(() => ({ ...live, stats: newerStats(live.stats, stats) }), [live, stats]);
  return { live: shownLive, history, feed: worstFeed(liveFeed, statsFeed), receiveLive };
}
