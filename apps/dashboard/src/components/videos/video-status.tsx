import { type ShortVideo, STATUS_LABELS } from '@/lib/short-videos';
import styles from './video-status.module.css';

/** The video's status, and while it is made, how far along it is. */
export function VideoStatus({ video }: { video: ShortVideo }) {
  const working = video.status === 'PENDING' || video.status === 'PROCESSING';
  return (
    <span className={styles.status}>
      <span className={styles.badge} data-status={video.status}>
        {video.status}
      </span>
      {working && <ProgressBar progress={video.progress} label={`${STATUS_LABELS[video.status]}: progress`} />}
    </span>
  );
}

export function ProgressBar({ progress, label }: { progress: number; label: string }) {
  return (
    <span
      className={styles.progress}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={progress}
      aria-valuetext={`${progress}%`}
    >
      <span className={styles.track}>
        <span className={styles.fill} style={{ width: `${progress}%` }} />
      </span>
      <span className={styles.percent}>{progress}%</span>
    </span>
  );
}
