'use client';

import Link from 'next/link';
import { useId } from 'react';
import { Sparkline } from '@/components/charts/sparkline';
import { LocalTime } from '@/components/local-time';
import { VideoStatus } from '@/components/videos/video-status';
import type { LiveSession } from '@/lib/lives';
import type { ShortVideo } from '@/lib/short-videos';
import { type CountPoint, downsample, stepSeries } from '@/lib/viewer-history';
import { LiveActions } from './live-actions';
import styles from './live-row.module.css';
import { StatusBadge } from './status-badge';

interface LiveRowProps {
  live: LiveSession;
  history: readonly CountPoint[] | undefined;
  video: ShortVideo | undefined;
  now: number;
  onChanged: (live: LiveSession) => void;
  onError: (error: unknown) => void;
}

const numberFormat = new Intl.NumberFormat('en-US');
/** How much recent history a sparkline shows. */
const SPARKLINE_WINDOW_MS = 5 * 60_000;

export function LiveRow({ live, history, video, now, onChanged, onError }: LiveRowProps) {
  const titleId = useId();
  const { current, peak, unique } = live.stats;
  // The clock ticks every few seconds; a count that arrived since must still be on the curve.
  const windowEnd = live.endedAt ? Date.parse(live.endedAt) : Math.max(now, history?.at(-1)?.at ?? now);
  const windowStart = Math.max(live.startedAt ? Date.parse(live.startedAt) : 0, windowEnd - SPARKLINE_WINDOW_MS);
  const series =
    live.status === 'SCHEDULED' || !history ? undefined : downsample(stepSeries(history, windowStart, windowEnd), 60);
  const recentHigh = series ? Math.max(...series.map((point) => point.viewers)) : 0;

  return (
    <li className={styles.row} aria-labelledby={titleId}>
      <div className={styles.heading}>
        <h2 id={titleId} className={styles.title}>
          <Link href={`/lives/${live.id}`}>{live.title}</Link>
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
      <div className={styles.trend}>
        {series && (
          <Sparkline
            series={series}
            live={live.status === 'LIVE'}
            label={`Viewers over the ${live.status === 'LIVE' ? 'last' : 'final'} minutes: highest ${recentHigh}, ${live.status === 'LIVE' ? 'now' : 'at the end'} ${current}`}
          />
        )}
        {video && (
          <p className={styles.video}>
            <span className={styles.videoLabel}>Short video</span> <VideoStatus video={video} />
          </p>
        )}
      </div>
      <div className={styles.actions}>
        <LiveActions live={live} onChanged={onChanged} onError={onError} />
      </div>
    </li>
  );
}
