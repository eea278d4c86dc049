'use client';

import { useId, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { LocalTime } from '@/components/local-time';
import { browserApi } from '@/lib/browser-api';
import type { LiveSession } from '@/lib/lives';
import styles from './live-row.module.css';
import { StatusBadge } from './status-badge';

interface LiveRowProps {
  live: LiveSession;
  onChanged: (live: LiveSession) => void;
  onError: (error: unknown) => void;
}

const numberFormat = new Intl.NumberFormat('en-US');

export function LiveRow({ live, onChanged, onError }: LiveRowProps) {
  const [pending, setPending] = useState(false);
  const [confirmingEnd, setConfirmingEnd] = useState(false);
  const titleId = useId();

  const run = async (action: 'start' | 'end') => {
    setPending(true);
    try {
      onChanged(await browserApi().live[action].mutate({ id: live.id }));
    } catch (error) {
      onError(error);
    } finally {
      setPending(false);
    }
  };

  const { current, peak, unique } = live.stats;
  return (
    <li className={styles.row} aria-labelledby={titleId}>
      <div className={styles.heading}>
        <h2 id={titleId} className={styles.title}>
          {live.title}
        </h2>
        <StatusBadge status={live.status} />
      </div>
      <p className={styles.created}>
        Created <LocalTime iso={live.createdAt} />
      </p>
      <dl className={styles.stats}>
        <div>
          <dt>Watching</dt>
          <dd>{numberFormat.format(current)}</dd>
        </div>
        <div>
          <dt>Peak</dt>
          <dd>{numberFormat.format(peak)}</dd>
        </div>
        <div>
          <dt>Unique</dt>
          <dd>{numberFormat.format(unique)}</dd>
        </div>
      </dl>
      <div className={styles.actions}>
        {live.status === 'SCHEDULED' && (
          <button className="button" type="button" disabled={pending} onClick={() => void run('start')}>
            Start<span className="visually-hidden"> {live.title}</span>
          </button>
        )}
        {live.status !== 'ENDED' && (
          <button
            className="button"
            data-variant="danger"
            type="button"
            disabled={pending}
            onClick={() => setConfirmingEnd(true)}
          >
            End<span className="visually-hidden"> {live.title}</span>
          </button>
        )}
      </div>
      <ConfirmDialog
        open={confirmingEnd}
        title={`End “${live.title}”?`}
        confirmLabel="End live"
        cancelLabel="Keep it"
        onCancel={() => setConfirmingEnd(false)}
        onConfirm={() => {
          setConfirmingEnd(false);
          void run('end');
        }}
      >
        {live.status === 'LIVE'
          ? 'Viewers are disconnected and a highlight video is made from this live. This cannot be undone.'
          : 'This scheduled live is cancelled. This cannot be undone.'}
      </ConfirmDialog>
    </li>
  );
}
