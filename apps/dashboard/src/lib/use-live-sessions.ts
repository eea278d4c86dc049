import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { browserApi } from './browser-api';
import { LIVES_PAGE_SIZE, type LiveSession, type LivesPage, mergeLives } from './lives';

/** What the operator is told about the real-time feed. */
export type FeedState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

/**
 * The lives list, kept current by `live.onUpdate` without reloading.
 *
 * A subscription without a `lastEventId` only carries changes made after it started, so each time it
 * (re)starts the first page is fetched again and merged; events that arrive while that fetch is in
 * flight are merged again after it, since the page may predate them. Reconnections within a running
 * subscription resume from the last event id, so nothing is missed in between.
 */
export function useLiveSessions(initialPage: LivesPage, onError: (error: unknown) => void) {
  const [lives, setLives] = useState<LiveSession[]>(initialPage.items);
  const [olderCursor, setOlderCursor] = useState(initialPage.nextCursor);
  const [feed, setFeed] = useState<FeedState>('connecting');

  const receive = useCallback((...sessions: LiveSession[]) => {
    setLives((current) => mergeLives(current, sessions));
  }, []);

  // The subscription lives as long as the page: a new error handler must not restart it.
  const reportError = useEffectEvent(onError);

  useEffect(() => {
    const api = browserApi();
    let connectedBefore = false;
    // For each refetch in flight, the events received since it began (two may overlap after quick reconnects).
    const refetches = new Set<LiveSession[]>();

    const refetchFirstPage = async () => {
      const arrived: LiveSession[] = [];
      refetches.add(arrived);
      try {
        const page = await api.live.list.query({ limit: LIVES_PAGE_SIZE });
        receive(...page.items, ...arrived);
      } catch (error) {
        reportError(error);
      } finally {
        refetches.delete(arrived);
      }
    };

    const subscription = api.live.onUpdate.subscribe(
      {},
      {
        onStarted: () => void refetchFirstPage(),
        onData: ({ data }) => {
          for (const arrived of refetches) arrived.push(data);
          receive(data);
        },
        onConnectionStateChange: ({ state }) => {
          if (state === 'pending') {
            connectedBefore = true;
            setFeed('live');
          } else if (state === 'connecting') {
            setFeed(connectedBefore ? 'reconnecting' : 'connecting');
          }
        },
        onError: () => setFeed('stopped'),
      },
    );
    return () => subscription.unsubscribe();
  }, [receive]);

  const loadOlder = useCallback(async () => {
    if (!olderCursor) return;
    try {
      const page = await browserApi().live.list.query({ limit: LIVES_PAGE_SIZE, cursor: olderCursor });
      receive(...page.items);
      setOlderCursor(page.nextCursor);
    } catch (error) {
      onError(error);
    }
  }, [olderCursor, receive, onError]);

  return { lives, feed, receive, hasOlder: olderCursor !== null, loadOlder };
}
