import { useState } from 'react';

/** What the operator is told about a page's real-time feeds: the connection, never a live's status. */
export type FeedState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** Worst first: a page with one feed reconnecting is reconnecting, whatever its other feeds do. */
const SEVERITY: readonly FeedState[] = ['stopped', 'reconnecting', 'connecting', 'live'];

export function worstFeed(...states: FeedState[]): FeedState {
  return SEVERITY.find((state) => states.includes(state)) ?? 'live';
}

/** A subscription's status, as `useSubscription` reports it. */
export type SubscriptionStatus = 'idle' | 'connecting' | 'pending' | 'error';

/**
 * A subscription's status as a FeedState: its first connection is "connecting", any later one
 * "reconnecting" (the client retries by itself and resumes from the last event id), and a final
 * error "stopped".
 */
export function useFeedState(status: SubscriptionStatus): FeedState {
  const [connectedBefore, setConnectedBefore] = useState(false);
  if (status === 'pending' && !connectedBefore) setConnectedBefore(true);
  if (status === 'pending') return 'live';
  if (status === 'error') return 'stopped';
  return connectedBefore ? 'reconnecting' : 'connecting';
}
