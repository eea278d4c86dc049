'use client';

import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useId } from 'react';
import { RelativeTime } from '@/components/local-time';
import { receiveVideo } from '@/lib/cache';
import { clipSource, describeStage, type ShortVideo, thumbnailSource } from '@/lib/short-videos';
import { trpc } from '@/lib/trpc';
import styles from './short-video-card.module.css';
import { ShortVideoPlayer } from './short-video-player';
import { VideoStatus } from './video-status';

interface ShortVideoCardProps {
  video: ShortVideo;
  /** Names the live, with a link to it; on the live's own page there is no need. */
  showLive?: boolean;
}

const seconds = (value: number) => `${Math.floor(value / 60)}:${String(Math.round(value % 60)).padStart(2, '0')}`;

/** One short video: where it is in the pipeline, what went wrong, what it produced, and a retry when it failed. */
export function ShortVideoCard({ video, showLive = false }: ShortVideoCardProps) {
  const queryClient = useQueryClient();
  const retry = trpc.shortVideo.retry.useMutation({ onSuccess: (next) => receiveVideo(queryClient, next) });
  const titleId = useId();
  const thumbnail = thumbnailSource(video);
  const name = showLive ? video.liveTitle : 'this live';

  return (
    <article className={`surface ${styles.card}`} aria-labelledby={titleId} data-status={video.status}>
      <div className={styles.thumbnail}>
        {clipSource(video) ? (
          <ShortVideoPlayer video={video} name={name} />
        ) : thumbnail ? (
          <img src={thumbnail} alt={`Thumbnail of the short video of ${name}`} width={720} height={1280} />
        ) : (
          <span className={styles.placeholder} aria-hidden="true">
            {video.status === 'FAILED' ? '!' : '▶'}
          </span>
        )}
      </div>
      <div className={styles.body}>
        <h3 id={titleId} className={styles.title}>
          {showLive ? <Link href={`/lives/${video.liveId}`}>{video.liveTitle}</Link> : 'Highlight video'}
        </h3>
        <VideoStatus video={video} />
        <dl className={styles.facts}>
          {video.stage && video.status !== 'READY' && (
            <div>
              <dt>Stage</dt>
              <dd>{describeStage(video.stage)}</dd>
            </div>
          )}
          {video.attempts > 0 && (
            <div>
              <dt>Attempts</dt>
              <dd>{video.attempts}</dd>
            </div>
          )}
          {video.durationSec !== null && (
            <div>
              <dt>Duration</dt>
              <dd>{seconds(video.durationSec)}</dd>
            </div>
          )}
          {video.highlight && (
            <div>
              <dt>Highlight</dt>
              <dd>
                {seconds(video.highlight.startSec)}–{seconds(video.highlight.endSec)}
              </dd>
            </div>
          )}
          {video.retriedBy && (
            <div>
              <dt>Retried by</dt>
              <dd>{video.retriedBy}</dd>
            </div>
          )}
          <div>
            <dt>Updated</dt>
            <dd>
              <RelativeTime iso={video.updatedAt} />
            </dd>
          </div>
        </dl>
        {video.error && <p className={styles.error}>{video.error}</p>}
        {video.status === 'FAILED' && (
          <button
            className="button"
            type="button"
            disabled={retry.isPending}
            onClick={() => retry.mutate({ id: video.id })}
          >
            {retry.isPending ? 'Retrying…' : 'Retry'}
            <span className="visually-hidden"> the short video of {name}</span>
          </button>
        )}
      </div>
    </article>
  );
}
