/** What the operator is told about a page's real-time feeds. */
export type FeedState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** Worst first: a page with one feed reconnecting is reconnecting, whatever its other feeds do. */
const SEVERITY: readonly FeedState[] = ['stopped', 'reconnecting', 'connecting', 'live'];

export function worstFeed(...states: FeedState[]): FeedState {
  return SEVERITY.find((state) => states.includes(state)) ?? 'live';
}

/**
 * Handlers that turn a tRPC subscription's connection changes into a FeedState: the first
 * connection is "connecting", any later one "reconnecting" (the client retries by itself and resumes
 * from the last event id), and a final error "stopped".
 */
export function followConnection(setFeed: (state: FeedState) => void) {
  let connectedBefore = false;
  return {
    onConnectionStateChange: ({ state }: { state: 'idle' | 'connecting' | 'pending' }) => {
      if (state === 'pending') {
        connectedBefore = true;
        setFeed('live');
      } else if (state === 'connecting') {
        setFeed(connectedBefore ? 'reconnecting' : 'connecting');
      }
    },
    onError: () => setFeed('stopped'),
  };
}
