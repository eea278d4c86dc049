'use client';

import { describeStage, type ShortVideo, STATUS_LABELS } from '@/lib/short-videos';
import { useInBrowser } from '@/lib/use-in-browser';
import styles from './video-activity.module.css';

/** One change of a short video, as this page received it. */
export interface VideoActivityEntry {
  at: string;
  status: ShortVideo['status'];
  stage: string | null;
  progress: number;
  error: string | null;
}

/** Adds the change unless it is one already listed (a replay after a reconnect, or no visible change). */
export function withActivity(entries: readonly VideoActivityEntry[], video: ShortVideo): VideoActivityEntry[] {
  const last = entries.at(-1);
  if (
    last &&
    (video.updatedAt < last.at ||
      (last.status === video.status && last.progress === video.progress && last.error === video.error))
  ) {
    return entries as VideoActivityEntry[];
  }
  const { updatedAt: at, status, stage, progress, error } = video;
  return [...entries, { at, status, stage, progress, error }];
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function describe(entry: VideoActivityEntry): string {
  if (entry.status === 'PROCESSING') {
    const detail = entry.error ?? describeStage(entry.stage);
    return `${STATUS_LABELS[entry.status]} · ${entry.progress}%${detail ? ` · ${detail}` : ''}`;
  }
  if (entry.status === 'FAILED') return `${STATUS_LABELS[entry.status]}${entry.error ? ` · ${entry.error}` : ''}`;
  return STATUS_LABELS[entry.status];
}

/** The video's way through the pipeline since this page opened, oldest first. */
export function VideoActivity({ entries }: { entries: readonly VideoActivityEntry[] }) {
  // Times in the operator's zone, which only the browser knows.
  const inBrowser = useInBrowser();
  if (entries.length === 0) return null;
  return (
    <ol className={styles.activity} aria-label="Pipeline activity">
      {entries.map((entry) => (
        <li key={`${entry.at}-${entry.status}-${entry.progress}`} data-status={entry.status}>
          <time dateTime={entry.at}>{inBrowser ? clock.format(new Date(entry.at)) : ''}</time>
          <span>{describe(entry)}</span>
        </li>
      ))}
    </ol>
  );
}
