'use client';

import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { browserApi } from '@/lib/browser-api';
import type { LiveSession } from '@/lib/lives';

interface LiveActionsProps {
  live: LiveSession;
  onChanged: (live: LiveSession) => void;
  onError: (error: unknown) => void;
}

/** Start a scheduled live; end (or cancel) one, after confirming, since that cannot be undone. */
export function LiveActions({ live, onChanged, onError }: LiveActionsProps) {
  const [pending, setPending] = useState(false);
  const [confirmingEnd, setConfirmingEnd] = useState(false);

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

  if (live.status === 'ENDED') return null;
  return (
    <>
      {live.status === 'SCHEDULED' && (
        <button className="button" type="button" disabled={pending} onClick={() => void run('start')}>
          Start<span className="visually-hidden"> {live.title}</span>
        </button>
      )}
      <button
        className="button"
        data-variant="danger"
        type="button"
        disabled={pending}
        onClick={() => setConfirmingEnd(true)}
      >
        End<span className="visually-hidden"> {live.title}</span>
      </button>
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
    </>
  );
}
