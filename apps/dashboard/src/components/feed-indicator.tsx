import type { FeedState } from '@/lib/feed';
import styles from './feed-indicator.module.css';

const LABELS: Record<FeedState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  stopped: 'Updates stopped — reload the page',
};

/** Whether the page is following real-time changes, announced politely to screen readers. */
export function FeedIndicator({ state }: { state: FeedState }) {
  return (
    <p className={styles.indicator} data-state={state} role="status" aria-live="polite">
      <span className={styles.dot} aria-hidden="true" />
      <span>
        <span className="visually-hidden">Real-time updates: </span>
        {LABELS[state]}
      </span>
    </p>
  );
}
