'use client';

import Link from 'next/link';
import { useCallback, useState } from 'react';
import { ViewerChart } from '@/components/charts/viewer-chart';
import { ErrorAlert } from '@/components/error-alert';
import { FeedIndicator } from '@/components/feed-indicator';
import { LiveActions } from '@/components/lives/live-actions';
import { StatusBadge } from '@/components/lives/status-badge';
import { LocalTime } from '@/components/local-time';
import { ShortVideoCard } from '@/components/videos/short-video-card';
import type { DemoAudiences } from '@/lib/demo';
import { worstFeed } from '@/lib/feed';
import type { LiveSession } from '@/lib/lives';
import type { ShortVideo } from '@/lib/short-videos';
import { useLiveDetail } from '@/lib/use-live-detail';
import { useNow } from '@/lib/use-now';
import { useOperatorErrors } from '@/lib/use-operator-errors';
import { useShortVideos } from '@/lib/use-short-videos';
import { type CountPoint, stepSeries } from '@/lib/viewer-history';
import { AudienceControl } from './audience-control';
import styles from './live-detail.module.css';
import { VideoActivity, type VideoActivityEntry, withActivity } from './video-activity';

interface LiveDetailProps {
  initialLive: LiveSession;
  initialHistory: CountPoint[];
  initialVideos: ShortVideo[];
  demo: DemoAudiences;
}

const numberFormat = new Intl.NumberFormat('en-US');
/** A live on air shows at most this much of its history, so recent changes stay readable. */
const CHART_WINDOW_MS = 30 * 60_000;

/** One live: its audience in real time, its lifecycle actions, simulated viewers, and its short video. */
export function LiveDetail({ initialLive, initialHistory, initialVideos, demo }: LiveDetailProps) {
  const { error, handleError, clearError } = useOperatorErrors();
  const { live, history, feed: liveFeed, receiveLive } = useLiveDetail(initialLive, initialHistory, handleError);
  const [activity, setActivity] = useState<VideoActivityEntry[]>(() =>
    initialVideos[0] ? withActivity([], initialVideos[0]) : [],
  );
  const recordActivity = useCallback((video: ShortVideo) => setActivity((held) => withActivity(held, video)), []);
  const {
    videos,
    feed: videoFeed,
    receive: receiveVideo,
  } = useShortVideos(initialVideos, handleError, { liveId: live.id, onChange: recordActivity });
  const video = videos[0];
  const now = useNow(1_000, live.status === 'LIVE');

  const changed = useCallback(
    (next: LiveSession) => {
      clearError();
      receiveLive(next);
    },
    [clearError, receiveLive],
  );
  const videoChanged = useCallback(
    (next: ShortVideo) => {
      clearError();
      recordActivity(next);
      receiveVideo(next);
    },
    [clearError, recordActivity, receiveVideo],
  );

  const { current, peak, unique } = live.stats;
  const startedAt = live.startedAt ? Date.parse(live.startedAt) : undefined;
  // The clock ticks every second; a count that arrived since must still be on the chart.
  const chartEnd = live.endedAt ? Date.parse(live.endedAt) : Math.max(now, history.at(-1)?.at ?? now);
  const chartStart = startedAt === undefined ? undefined : Math.max(startedAt, chartEnd - CHART_WINDOW_MS);

  return (
    <main className={styles.page}>
      <Link href="/" className={styles.back}>
        ← All lives
      </Link>
      <div className={styles.top}>
        <h1 className={styles.heading}>{live.title}</h1>
        <StatusBadge status={live.status} />
        <FeedIndicator state={worstFeed(liveFeed, videoFeed)} />
      </div>
      <div className={styles.meta}>
        <p>
          Created <LocalTime iso={live.createdAt} />
          {live.startedAt && (
            <>
              {' · '}started <LocalTime iso={live.startedAt} />
            </>
          )}
          {live.endedAt && (
            <>
              {' · '}ended <LocalTime iso={live.endedAt} />
            </>
          )}
        </p>
        <div className={styles.actions}>
          <LiveActions live={live} onChanged={changed} onError={handleError} />
        </div>
      </div>

      <ErrorAlert message={error} onDismiss={clearError} />

      <div className={styles.columns}>
        <section className={styles.panel} aria-labelledby="audience-heading">
          <h2 id="audience-heading" className={styles.panelHeading}>
            Audience
          </h2>
          <dl className={styles.stats}>
            {(
              [
                ['Watching now', current],
                ['Peak', peak],
                ['Unique viewers', unique],
              ] as const
            ).map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{numberFormat.format(value)}</dd>
              </div>
            ))}
          </dl>
          {chartStart === undefined ? (
            <p className={styles.empty}>The chart starts when the live goes on air.</p>
          ) : (
            <ViewerChart
              series={stepSeries(history, chartStart, chartEnd)}
              peak={peak}
              summary={`Viewers over time: ${current} watching now, peak ${peak}.`}
            />
          )}
        </section>

        <div className={styles.side}>
          <section className={styles.panel} aria-labelledby="video-heading">
            <h2 id="video-heading" className={styles.panelHeading}>
              Short video
            </h2>
            {video ? (
              <ShortVideoCard video={video} onChanged={videoChanged} onError={handleError} />
            ) : (
              <p className={styles.empty}>
                {live.status === 'ENDED' && live.startedAt
                  ? 'Waiting for the pipeline to pick up this live…'
                  : live.status === 'ENDED'
                    ? 'This live was cancelled before it went on air: no short video is made.'
                    : 'A highlight video is made from this live when it ends.'}
              </p>
            )}
            <VideoActivity entries={activity} />
          </section>

          <section className={styles.panel} aria-labelledby="simulator-heading">
            <h2 id="simulator-heading" className={styles.panelHeading}>
              Simulated viewers
            </h2>
            <AudienceControl liveId={live.id} liveStatus={live.status} initial={demo} onError={handleError} />
          </section>
        </div>
      </div>
    </main>
  );
}
