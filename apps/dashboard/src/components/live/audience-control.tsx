'use client';

import { type FormEvent, useState } from 'react';
import { Field } from '@/components/field';
import { Figures } from '@/components/figures';
import type { LiveStatus } from '@/lib/lives';
import { trpc } from '@/lib/trpc';
import styles from './audience-control.module.css';

interface AudienceControlProps {
  liveId: string;
  liveStatus: LiveStatus;
}

const numberFormat = new Intl.NumberFormat('en-US');

interface WholeNumberFieldProps {
  label: string;
  min: number;
  max: number;
  /** As typed: the browser checks the range before the form is sent. */
  value: string;
  onChange: (value: string) => void;
}

/** A required whole number in a range, with the numeric keyboard on a phone. */
function WholeNumberField({ label, min, max, value, onChange }: WholeNumberFieldProps) {
  return (
    <Field
      label={label}
      type="number"
      inputMode="numeric"
      min={min}
      max={max}
      required
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

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
          <Figures
            compact
            className={styles.progress}
            aria-label="Simulated audience"
            figures={[
              ['Arrived', audience.arrived],
              ['Watching', audience.watching],
              ['Left', audience.left],
              ['Vanished', audience.vanished],
              ['Errors', audience.errors],
            ]}
          />
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
          <WholeNumberField label="Viewers" min={1} max={5000} value={size} onChange={setSize} />
          <WholeNumberField
            label="Arriving over (seconds)"
            min={0}
            max={600}
            value={rampSeconds}
            onChange={setRampSeconds}
          />
          <button className="button" type="submit" disabled={pending}>
            {pending ? 'Starting…' : 'Start simulated viewers'}
          </button>
        </form>
      )}
    </div>
  );
}
