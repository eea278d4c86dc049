'use client';

import { useCallback, useState, useTransition } from 'react';
import { FeedIndicator } from '@/components/feed-indicator';
import { describeError, isUnauthorized } from '@/lib/errors';
import type { LiveSession, LivesPage } from '@/lib/lives';
import { endRefusedSession } from '@/lib/session-actions';
import { useLiveSessions } from '@/lib/use-live-sessions';
import { CreateLiveForm } from './create-live-form';
import { LiveRow } from './live-row';
import styles from './lives-board.module.css';

/** The operator's lives: create, start and end them, and watch every change arrive in real time. */
export function LivesBoard({ initialPage }: { initialPage: LivesPage }) {
  const [error, setError] = useState<string | null>(null);
  const [, startTransition] = useTransition();

  const handleError = useCallback((cause: unknown) => {
    if (isUnauthorized(cause)) {
      // The token was revoked or has expired: back to sign-in rather than a page that cannot act.
      startTransition(() => endRefusedSession());
      return;
    }
    setError(describeError(cause));
  }, []);

  const { lives, feed, receive, hasOlder, loadOlder } = useLiveSessions(initialPage, handleError);
  const [loadingOlder, setLoadingOlder] = useState(false);

  const changed = useCallback(
    (live: LiveSession) => {
      setError(null);
      receive(live);
    },
    [receive],
  );

  return (
    <main className={styles.board}>
      <div className={styles.top}>
        <h1 className={styles.heading}>Lives</h1>
        <FeedIndicator state={feed} />
      </div>

      <CreateLiveForm onCreated={changed} onError={handleError} />

      {error && (
        <div className={`alert ${styles.error}`} role="alert">
          <p>{error}</p>
          <button className="button" data-variant="secondary" type="button" onClick={() => setError(null)}>
            Dismiss
          </button>
        </div>
      )}

      {lives.length === 0 ? (
        <p className={styles.empty}>No lives yet. Create the first one above.</p>
      ) : (
        <ul className={styles.list} aria-label="Lives, newest first">
          {lives.map((live) => (
            <LiveRow key={live.id} live={live} onChanged={changed} onError={handleError} />
          ))}
        </ul>
      )}

      {hasOlder && (
        <button
          className={`button ${styles.older}`}
          data-variant="secondary"
          type="button"
          disabled={loadingOlder}
          onClick={async () => {
            setLoadingOlder(true);
            await loadOlder();
            setLoadingOlder(false);
          }}
        >
          {loadingOlder ? 'Loading…' : 'Show older lives'}
        </button>
      )}
    </main>
  );
}
