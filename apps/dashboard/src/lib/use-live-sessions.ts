import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { browserApi } from './browser-api';
import { type FeedState, followConnection } from './feed';
import {
  fetchLivesSnapshot,
  LIVES_PAGE_SIZE,
  type LiveSession,
  type LiveStatus,
  type LivesSnapshot,
  mergeLives,
} from './lives';

/**
 * Every live the overview knows, kept current by `live.onUpdate` (status and viewer counts) without
 * reloading.
 *
 * A subscription without a `lastEventId` only carries changes made after it started, so each time it
 * (re)starts the snapshot is fetched again and merged; events that arrive while that fetch is in
 * flight are merged again after it, since the snapshot may predate them. Reconnections within a
 * running subscription resume from the last event id, so nothing is missed in between.
 */
export function useLiveSessions(initial: LivesSnapshot, onError: (error: unknown) => void) {
  const [lives, setLives] = useState<LiveSession[]>(initial.lives);
  const [feed, setFeed] = useState<FeedState>('connecting');

  const receive = useCallback((...sessions: LiveSession[]) => {
    setLives((current) => mergeLives(current, sessions));
  }, []);

  // The subscription lives as long as the page: a new error handler must not restart it.
  const reportError = useEffectEvent(onError);

  useEffect(() => {
    const api = browserApi();
    // For each refetch in flight, the events received since it began (two may overlap after quick reconnects).
    const refetches = new Set<LiveSession[]>();

    const refetchSnapshot = async () => {
      const arrived: LiveSession[] = [];
      refetches.add(arrived);
      try {
        const snapshot = await fetchLivesSnapshot(api);
        receive(...snapshot.lives, ...arrived);
      } catch (error) {
        reportError(error);
      } finally {
        refetches.delete(arrived);
      }
    };

    const subscription = api.live.onUpdate.subscribe(
      {},
      {
        onStarted: () => void refetchSnapshot(),
        onData: ({ data }) => {
          for (const arrived of refetches) arrived.push(data);
          receive(data);
        },
        ...followConnection(setFeed),
      },
    );
    return () => subscription.unsubscribe();
  }, [receive]);

  /** One more page of the list (of one status, or of all), merged in; resolves to where it continues. */
  const loadPage = useCallback(
    async (status: LiveStatus | undefined, cursor: string | null | undefined): Promise<string | null> => {
      const page = await browserApi().live.list.query({ limit: LIVES_PAGE_SIZE, status, cursor });
      receive(...page.items);
      return page.nextCursor;
    },
    [receive],
  );

  return { lives, feed, receive, loadPage };
}
