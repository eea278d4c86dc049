'use client';

import { describeStage, type ShortVideoStep, STATUS_LABELS } from '@/lib/short-videos';
import { useInBrowser } from '@/lib/use-in-browser';
import styles from './video-activity.module.css';

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function describe(step: ShortVideoStep): string {
  const attempt = step.attempt > 1 ? ` · attempt ${step.attempt}` : '';
  if (step.status === 'PROCESSING') {
    const detail = step.error ?? describeStage(step.stage);
    return `${STATUS_LABELS[step.status]} · ${step.progress}%${detail ? ` · ${detail}` : ''}${attempt}`;
  }
  if (step.status === 'FAILED') return `${STATUS_LABELS[step.status]}${step.error ? ` · ${step.error}` : ''}`;
  return STATUS_LABELS[step.status];
}

/**
 * The video's way through the pipeline, oldest first, as the server recorded it: every step, attempt
 * and failure, earlier runs included, the same after a reload or a retry.
 */
export function VideoActivity({ history }: { history: readonly ShortVideoStep[] }) {
  // Times in the operator's zone, which only the browser knows.
  const inBrowser = useInBrowser();
  if (history.length === 0) return null;
  return (
    <ol className={styles.activity} aria-label="Pipeline activity">
      {history.map((step, index) => (
        // Steps are only ever appended: their position is their identity.
        <li key={index} data-status={step.status}>
          <time dateTime={step.at}>{inBrowser ? clock.format(new Date(step.at)) : ''}</time>
          <span>{describe(step)}</span>
        </li>
      ))}
    </ol>
  );
}
