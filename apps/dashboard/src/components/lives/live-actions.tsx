'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { receiveLive } from '@/lib/cache';
import type { LiveSession } from '@/lib/lives';
import { trpc } from '@/lib/trpc';

/**
 * Start a scheduled live, or cancel it; end one on air. Ending and cancelling ask first, since
 * neither can be undone. The answer goes into the cache at once, before the subscription echoes it.
 */
export function LiveActions({ live }: { live: LiveSession }) {
  const queryClient = useQueryClient();
  const onSuccess = (next: LiveSession) => receiveLive(queryClient, next);
  const start = trpc.live.start.useMutation({ onSuccess });
  const end = trpc.live.end.useMutation({ onSuccess });
  const [confirming, setConfirming] = useState(false);
  const pending = start.isPending || end.isPending;

  if (live.status === 'ENDED') return null;
  const scheduled = live.status === 'SCHEDULED';
  return (
    <>
      {scheduled && (
        <button className="button" type="button" disabled={pending} onClick={() => start.mutate({ id: live.id })}>
          Start<span className="visually-hidden"> {live.title}</span>
        </button>
      )}
      <button
        className="button"
        data-variant="danger"
        type="button"
        disabled={pending}
        onClick={() => setConfirming(true)}
      >
        {scheduled ? 'Cancel' : 'End'}
        <span className="visually-hidden"> {live.title}</span>
      </button>
      <ConfirmDialog
        open={confirming}
        title={scheduled ? `Cancel “${live.title}”?` : `End “${live.title}”?`}
        confirmLabel={scheduled ? 'Cancel live' : 'End live'}
        cancelLabel="Keep it"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          end.mutate({ id: live.id });
        }}
      >
        {scheduled
          ? 'This scheduled live never goes on air, and no highlight video is made. This cannot be undone.'
          : 'Viewers are disconnected and a highlight video is made from this live. This cannot be undone.'}
      </ConfirmDialog>
    </>
  );
}
