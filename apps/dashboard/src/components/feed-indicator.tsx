import type { FeedState } from '@/lib/feed';
import styles from './feed-indicator.module.css';

const LABELS: Record<FeedState, string> = {
  connecting: 'Updates: connecting…',
  live: 'Updates: live',
  reconnecting: 'Updates: reconnecting…',
  stopped: 'Updates stopped — reload the page',
};

/**
 * Whether the page is following real-time changes: the connection to the server, never a live's own
 * status (that is its badge). Announced politely to screen readers.
 */
export function FeedIndicator({ state }: { state: FeedState }) {
  return (
    <p className={styles.indicator} data-state={state} role="status" aria-live="polite">
      <span className={styles.dot} aria-hidden="true" />
      <span>{LABELS[state]}</span>
    </p>
  );
}
