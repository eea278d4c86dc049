'use client';

import { skipToken, useQueryClient } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { ViewerChart } from '@/components/charts/viewer-chart';
import { ChoiceFilter } from '@/components/choice-filter';
import { ErrorAlert } from '@/components/error-alert';
import { FeedIndicator } from '@/components/feed-indicator';
import { Figures } from '@/components/figures';
import { LiveActions } from '@/components/lives/live-actions';
import { StatusBadge } from '@/components/lives/status-badge';
import { LocalTime } from '@/components/local-time';
import { useOperatorErrors } from '@/components/query-provider';
import { ShortVideoCard } from '@/components/videos/short-video-card';
import { audienceCsv, audienceFileName, download } from '@/lib/audience-csv';
import { receiveLive, receiveStats, receiveVideo, refetchWhenFeedStarts } from '@/lib/cache';
import { useFeedState, worstFeed } from '@/lib/feed';
import { liveDetailInputs } from '@/lib/lives';
import { formatDuration } from '@/lib/time';
import { trpc } from '@/lib/trpc';
import { useInBrowser } from '@/lib/use-in-browser';
import { useNow } from '@/lib/use-now';
import { fromTimeline, stepSeries } from '@/lib/viewer-history';
import { AudienceControl } from './audience-control';
import styles from './live-detail.module.css';
import { VideoActivity } from './video-activity';

type ChartRange = '5m' | '30m' | 'all';
const RANGES = [
  { value: '5m', label: 'Last 5 min' },
  { value: '30m', label: 'Last 30 min' },
  { value: 'all', label: 'All' },
] as const;
const RANGE_MS: Record<ChartRange, number> = { '5m': 5 * 60_000, '30m': 30 * 60_000, all: Number.POSITIVE_INFINITY };

/** One live: its audience in real time, its lifecycle actions, simulated viewers, and its short video. */
export function LiveDetail({ liveId }: { liveId: string }) {
  const { error, clearError } = useOperatorErrors();
  const queryClient = useQueryClient();
  const inputs = liveDetailInputs(liveId);
  const [live] = trpc.live.get.useSuspenseQuery(inputs.live);
  // Kept current by the stats feed; refetched only when that feed starts again, to fill any gap.
  const timeline = trpc.viewer.timeline.useQuery(inputs.timeline, { staleTime: Number.POSITIVE_INFINITY });
  const videos = trpc.shortVideo.list.useQuery(inputs.video);
  const video = videos.data?.items[0];
  const withHistory = trpc.shortVideo.get.useQuery(video ? { id: video.id } : skipToken);

  const liveFeed = trpc.live.onUpdate.useSubscription(inputs.live, {
    onStarted: () => refetchWhenFeedStarts(queryClient, getQueryKey(trpc.live.get, inputs.live)),
    onData: ({ data }) => receiveLive(queryClient, data),
  });
  // Its first event is always the current snapshot, so only a restart needs the curve fetched again.
  const [statsStarted, setStatsStarted] = useState(false);
  const statsFeed = trpc.viewer.onStats.useSubscription(inputs.timeline, {
    onStarted: () => {
      if (statsStarted) refetchWhenFeedStarts(queryClient, getQueryKey(trpc.viewer.timeline, inputs.timeline));
      setStatsStarted(true);
    },
    onData: ({ data }) => receiveStats(queryClient, data),
  });
  const videoFeed = trpc.shortVideo.onUpdate.useSubscription(inputs.timeline, {
    onStarted: () => refetchWhenFeedStarts(queryClient, getQueryKey(trpc.shortVideo.list, inputs.video)),
    onData: ({ data }) => receiveVideo(queryClient, data),
  });
  const feed = worstFeed(useFeedState(liveFeed.status), useFeedState(statsFeed.status), useFeedState(videoFeed.status));
  const stale = feed !== 'live';

  const [range, setRange] = useState<ChartRange>(live.status === 'LIVE' ? '30m' : 'all');
  const inBrowser = useInBrowser();
  const now = useNow(1_000, live.status === 'LIVE');

  const { current, peak, unique } = live.stats;
  const history = timeline.data ? fromTimeline(timeline.data) : [];
  const startedAt = live.startedAt ? Date.parse(live.startedAt) : undefined;
  const endedAt = live.endedAt ? Date.parse(live.endedAt) : null;
  // The clock ticks every second; a count that arrived since must still be on the chart.
  const chartEnd = endedAt ?? Math.max(now, history.at(-1)?.at ?? now);
  const chartStart = startedAt === undefined ? undefined : Math.max(startedAt, chartEnd - RANGE_MS[range]);
  const peakAt = history.find((point) => point.count === peak)?.at ?? null;
  const length = inBrowser && startedAt !== undefined ? formatDuration((endedAt ?? now) - startedAt) : null;

  return (
    <main className={`page-layout ${styles.page}`}>
      <Link href="/" className={styles.back}>
        ← All lives
      </Link>
      <div className={styles.top}>
        <h1 className={`page-heading ${styles.heading}`}>{live.title}</h1>
        <StatusBadge status={live.status} />
        <FeedIndicator state={feed} />
      </div>
      <div className={styles.meta}>
        <p>
          Created <LocalTime iso={live.createdAt} />
          <ByOperator name={live.createdBy} />
          {live.startedAt && (
            <>
              {' · '}started <LocalTime iso={live.startedAt} />
              <ByOperator name={live.startedBy} />
            </>
          )}
          {live.endedAt && (
            <>
              {' · '}ended <LocalTime iso={live.endedAt} />
              <ByOperator name={live.endedBy} />
            </>
          )}
          {length && ` · ${live.endedAt ? 'lasted' : 'on air for'} ${length}`}
        </p>
        <div className={styles.actions}>
          <LiveActions live={live} />
        </div>
      </div>

      <ErrorAlert message={error} onDismiss={clearError} />

      <div className={styles.columns}>
        <section className={`surface ${styles.panel}`} aria-labelledby="audience-heading">
          <h2 id="audience-heading" className={styles.panelHeading}>
            Audience
          </h2>
          <Figures
            className={styles.stats}
            stale={stale}
            figures={[
              ['Watching now', current],
              ['Peak', peak],
              ['Unique viewers', unique],
            ]}
          />
          {chartStart === undefined ? (
            <p className={styles.empty}>The chart starts when the live goes on air.</p>
          ) : (
            <>
              <div className={styles.chartTools}>
                <ChoiceFilter legend="Chart" choices={RANGES} value={range} onChange={setRange} />
                <button
                  className="button"
                  data-variant="secondary"
                  type="button"
                  disabled={!timeline.data}
                  onClick={() =>
                    timeline.data && download(audienceFileName(live.title, live.id), audienceCsv(timeline.data))
                  }
                >
                  Download CSV<span className="visually-hidden"> of the audience over time</span>
                </button>
              </div>
              <ViewerChart
                series={stepSeries(history, chartStart, chartEnd)}
                peak={{ viewers: peak, at: peakAt }}
                endedAt={endedAt}
                summary={`Viewers over time: ${current} watching now, peak ${peak}.`}
              />
            </>
          )}
        </section>

        <div className={styles.side}>
          <section className={`surface ${styles.panel}`} aria-labelledby="video-heading">
            <h2 id="video-heading" className={styles.panelHeading}>
              Short video
            </h2>
            {video ? (
              <ShortVideoCard video={video} />
            ) : (
              <p className={styles.empty}>
                {live.status === 'ENDED' && live.startedAt
                  ? 'Waiting for the pipeline to pick up this live…'
                  : live.status === 'ENDED'
                    ? 'This live was cancelled before it went on air: no short video is made.'
                    : 'A highlight video is made from this live when it ends.'}
              </p>
            )}
            <VideoActivity history={withHistory.data?.history ?? []} />
          </section>

          <section className={`surface ${styles.panel}`} aria-labelledby="simulator-heading">
            <h2 id="simulator-heading" className={styles.panelHeading}>
              Simulated viewers
            </h2>
            <AudienceControl liveId={live.id} liveStatus={live.status} />
          </section>
        </div>
      </div>
    </main>
  );
}

/** Who made a change (a named operator of OPERATOR_TOKENS, or `operator`); nothing when nobody did (the idle ender, say). */
function ByOperator({ name }: { name: string | null }) {
  return name ? <> by {name}</> : null;
}
