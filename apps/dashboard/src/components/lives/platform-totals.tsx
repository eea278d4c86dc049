import Link from 'next/link';
import { IDLE_AFTER_MS, idleSince, type LiveSession } from '@/lib/lives';
import type { ShortVideo } from '@/lib/short-videos';
import styles from './platform-totals.module.css';

const numberFormat = new Intl.NumberFormat('en-US');

interface PlatformTotalsProps {
  /** Every live on air. */
  onAir: readonly LiveSession[];
  /** The newest videos and every unfinished or failed one. */
  videos: readonly ShortVideo[];
  /** The feed is not connected: the figures may be behind, and are dimmed. */
  stale: boolean;
  now: number;
}

/** The platform at a glance, from what the page follows in real time. */
export function PlatformTotals({ onAir, videos, stale, now }: PlatformTotalsProps) {
  const viewersNow = onAir.reduce((sum, live) => sum + live.stats.current, 0);
  const idle = onAir.filter((live) => {
    const since = idleSince(live);
    return since !== null && now - since >= IDLE_AFTER_MS;
  }).length;
  const inPipeline = videos.filter((video) => video.status === 'PENDING' || video.status === 'PROCESSING').length;
  const failures = videos.filter((video) => video.status === 'FAILED').length;
  const totals = [
    { label: 'Lives on air', value: onAir.length, tone: onAir.length > 0 ? 'live' : undefined },
    { label: 'Idle lives (no viewers)', value: idle, tone: idle > 0 ? 'warn' : undefined },
    { label: 'Viewers now', value: viewersNow },
    { label: 'Videos in the pipeline', value: inPipeline, href: '/videos?status=PROCESSING' },
    { label: 'Failed videos', value: failures, href: '/videos?status=FAILED', tone: failures > 0 ? 'bad' : undefined },
  ];
  return (
    <section aria-label="Platform totals" data-stale={stale || undefined} className={styles.section}>
      <dl className={styles.totals}>
        {totals.map((total) => (
          <div key={total.label} className={`surface ${styles.total}`} data-tone={total.tone}>
            <dt>{total.href ? <Link href={total.href}>{total.label}</Link> : total.label}</dt>
            <dd>{numberFormat.format(total.value)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
