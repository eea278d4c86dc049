import Link from 'next/link';
import type { LiveSession } from '@/lib/lives';
import type { ShortVideo } from '@/lib/short-videos';
import styles from './platform-totals.module.css';

const numberFormat = new Intl.NumberFormat('en-US');

/** The platform at a glance, from what the page follows in real time. */
export function PlatformTotals({ lives, videos }: { lives: readonly LiveSession[]; videos: readonly ShortVideo[] }) {
  const onAir = lives.filter((live) => live.status === 'LIVE');
  const viewersNow = onAir.reduce((sum, live) => sum + live.stats.current, 0);
  const inPipeline = videos.filter((video) => video.status === 'PENDING' || video.status === 'PROCESSING').length;
  const failures = videos.filter((video) => video.status === 'FAILED').length;
  const totals = [
    { label: 'Lives on air', value: onAir.length, tone: onAir.length > 0 ? 'live' : undefined },
    { label: 'Viewers now', value: viewersNow },
    { label: 'Videos in the pipeline', value: inPipeline, href: '/videos?status=PROCESSING' },
    { label: 'Failed videos', value: failures, href: '/videos?status=FAILED', tone: failures > 0 ? 'bad' : undefined },
  ];
  return (
    <section aria-label="Platform totals">
      <dl className={styles.totals}>
        {totals.map((total) => (
          <div key={total.label} className={styles.total} data-tone={total.tone}>
            <dt>{total.href ? <Link href={total.href}>{total.label}</Link> : total.label}</dt>
            <dd>{numberFormat.format(total.value)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
