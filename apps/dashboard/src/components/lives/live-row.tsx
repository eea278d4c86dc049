'use client';

import type { RouterOutputs } from '@onair/client';
import Link from 'next/link';
import { useId } from 'react';
import { Sparkline } from '@/components/charts/sparkline';
import { Figures } from '@/components/figures';
import { RelativeTime } from '@/components/local-time';
import { VideoStatus } from '@/components/videos/video-status';
import { IDLE_AFTER_MS, idleSince, type LiveSession } from '@/lib/lives';
import type { ShortVideo } from '@/lib/short-videos';
import { formatDuration } from '@/lib/time';
import { useInBrowser } from '@/lib/use-in-browser';
import { downsample, fromTimeline, stepSeries } from '@/lib/viewer-history';
import { LiveActions } from './live-actions';
import styles from './live-row.module.css';
import { StatusBadge } from './status-badge';

interface LiveRowProps {
  live: LiveSession;
  timeline: RouterOutputs['viewer']['timeline']['points'] | undefined;
  video: ShortVideo | undefined;
  now: number;
  /** The feed is not connected: the numbers may be behind, and are dimmed. */
  stale: boolean;
}

/** How much recent history a sparkline shows. */
const SPARKLINE_WINDOW_MS = 5 * 60_000;

/** How long the live has been on air, or lasted; only the browser knows the time now. */
function onAirFor(live: LiveSession, now: number): string | null {
  if (!live.startedAt) return null;
  const end = live.endedAt ? Date.parse(live.endedAt) : now;
  const length = formatDuration(end - Date.parse(live.startedAt));
  return live.endedAt ? `lasted ${length}` : `on air for ${length}`;
}

export function LiveRow({ live, timeline, video, now, stale }: LiveRowProps) {
  const titleId = useId();
  const inBrowser = useInBrowser();
  const { current, peak, unique } = live.stats;
  const history = timeline ? fromTimeline({ liveId: live.id, points: timeline }) : undefined;
  // The clock ticks every few seconds; a count that arrived since must still be on the curve.
  const windowEnd = live.endedAt ? Date.parse(live.endedAt) : Math.max(now, history?.at(-1)?.at ?? now);
  const windowStart = Math.max(live.startedAt ? Date.parse(live.startedAt) : 0, windowEnd - SPARKLINE_WINDOW_MS);
  const series =
    live.status === 'SCHEDULED' || !history ? undefined : downsample(stepSeries(history, windowStart, windowEnd), 60);
  const recentHigh = series ? Math.max(...series.map((point) => point.viewers)) : 0;
  const since = idleSince(live);
  const idleFor = inBrowser && since !== null && now - since >= IDLE_AFTER_MS ? now - since : null;
  const length = inBrowser ? onAirFor(live, now) : null;

  return (
    <li className={`surface ${styles.row}`} aria-labelledby={titleId}>
      <div className={styles.heading}>
        <h2 id={titleId} className={styles.title}>
          <Link href={`/lives/${live.id}`}>{live.title}</Link>
        </h2>
        <StatusBadge status={live.status} />
        {idleFor !== null && (
          <span className={styles.idle} title="Nobody has watched this live for a while: is it still needed?">
            Idle · no viewers for {formatDuration(idleFor)}
          </span>
        )}
      </div>
      <p className={styles.created}>
        Created <RelativeTime iso={live.createdAt} />
        {length && ` · ${length}`}
      </p>
      <Figures
        compact
        className={styles.stats}
        stale={stale}
        figures={[
          ['Watching', current],
          ['Peak', peak],
          ['Unique', unique],
        ]}
      />
      <div className={styles.trend}>
        {series && (
          <Sparkline
            series={series}
            live={live.status === 'LIVE'}
            label={`Viewers over the ${live.status === 'LIVE' ? 'last' : 'final'} 5 minutes: highest ${recentHigh}, ${live.status === 'LIVE' ? 'now' : 'at the end'} ${current}`}
          />
        )}
        {video && (
          <p className={styles.video}>
            <span className={styles.videoLabel}>Short video</span> <VideoStatus video={video} />
          </p>
        )}
      </div>
      <div className={styles.actions}>
        <LiveActions live={live} />
      </div>
    </li>
  );
}
