'use client';

import { type FormEvent, useId, useState } from 'react';
import type { LiveStatus } from '@/lib/lives';
import { trpc } from '@/lib/trpc';
import styles from './audience-control.module.css';

interface AudienceControlProps {
  liveId: string;
  liveStatus: LiveStatus;
}

const numberFormat = new Intl.NumberFormat('en-US');

/**
 * For demos: simulated viewers that join, heartbeat, leave and vanish like real ones, run by the
 * server only where ENABLE_SIMULATOR is on (pnpm dev), never in production. Their progress is read
 * every two seconds while the live is on air.
 */
export function AudienceControl({ liveId, liveStatus }: AudienceControlProps) {
  const utils = trpc.useUtils();
  const audiences = trpc.demo.audiences.useQuery(undefined, {
    refetchInterval: (query) => (query.state.data?.enabled && liveStatus === 'LIVE' ? 2_000 : false),
  });
  const onSuccess = (running: NonNullable<typeof audiences.data>['audiences']) =>
    utils.demo.audiences.setData(undefined, (held) => held && { ...held, audiences: running });
  const startAudience = trpc.demo.startAudience.useMutation({ onSuccess });
  const stopAudience = trpc.demo.stopAudience.useMutation({ onSuccess });
  const [size, setSize] = useState('200');
  const [rampSeconds, setRampSeconds] = useState('20');
  const sizeId = useId();
  const rampId = useId();
  const demo = audiences.data;
  const pending = startAudience.isPending || stopAudience.isPending;

  if (!demo) return null;
  const audience = demo.audiences.find((running) => running.liveId === liveId);

  if (!demo.enabled) {
    return (
      <p className={styles.note}>
        The viewer simulator is off on this server. It runs only where <code>ENABLE_SIMULATOR</code> is on, as{' '}
        <code>pnpm dev</code> and <code>pnpm demo</code> set it; production servers leave it off.
      </p>
    );
  }
  if (liveStatus !== 'LIVE') {
    return (
      <p className={styles.note}>
        {liveStatus === 'SCHEDULED'
          ? 'Simulated viewers can join once the live is on air.'
          : 'This live has ended: its viewers are gone.'}
      </p>
    );
  }

  const start = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    startAudience.mutate({ liveId, audience: Number(size), rampSeconds: Number(rampSeconds) });
  };

  return (
    <div className={styles.control}>
      {audience ? (
        <>
          <dl className={styles.progress} aria-label="Simulated audience">
            {(
              [
                ['Arrived', audience.arrived],
                ['Watching', audience.watching],
                ['Left', audience.left],
                ['Vanished', audience.vanished],
                ['Errors', audience.errors],
              ] as const
            ).map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{numberFormat.format(value)}</dd>
              </div>
            ))}
          </dl>
          <p className={styles.note}>
            {numberFormat.format(audience.audience)} simulated viewers, running for {audience.elapsedSeconds} s.
            {audience.lastError && ` Last error: ${audience.lastError}`}
          </p>
          <button
            className="button"
            data-variant="secondary"
            type="button"
            disabled={pending}
            onClick={() => stopAudience.mutate({ liveId })}
          >
            Stop simulated viewers
          </button>
        </>
      ) : (
        <form className={styles.form} onSubmit={start} aria-label="Simulate viewers">
          <div className="field">
            <label className="label" htmlFor={sizeId}>
              Viewers
            </label>
            <input
              id={sizeId}
              className="input"
              type="number"
              inputMode="numeric"
              min={1}
              max={5000}
              required
              value={size}
              onChange={(event) => setSize(event.target.value)}
            />
          </div>
          <div className="field">
            <label className="label" htmlFor={rampId}>
              Arriving over (seconds)
            </label>
            <input
              id={rampId}
              className="input"
              type="number"
              inputMode="numeric"
              min={0}
              max={600}
              required
              value={rampSeconds}
              onChange={(event) => setRampSeconds(event.target.value)}
            />
          </div>
          <button className="button" type="submit" disabled={pending}>
            {pending ? 'Starting…' : 'Start simulated viewers'}
          </button>
        </form>
      )}
    </div>
  );
}
