'use client';

import { Area, AreaChart, XAxis, YAxis } from 'recharts';
import { useInBrowser } from '@/lib/use-in-browser';
import type { SeriesPoint } from '@/lib/viewer-history';
import styles from './sparkline.module.css';

const WIDTH = 128;
const HEIGHT = 36;

/** A small, unlabelled curve of recent viewers; the label says in words what it shows. */
export function Sparkline({ series, label, live }: { series: SeriesPoint[]; label: string; live: boolean }) {
  const inBrowser = useInBrowser();
  // At least 1 at the top, so a flat zero line sits at the bottom.
  const top = Math.max(1, ...series.map((point) => point.viewers));
  return (
    <div className={styles.sparkline} role="img" aria-label={label} data-live={live || undefined}>
      {inBrowser && (
        <AreaChart
          width={WIDTH}
          height={HEIGHT}
          data={series}
          margin={{ top: 2, right: 0, bottom: 1, left: 0 }}
          accessibilityLayer={false}
        >
          <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} hide />
          <YAxis domain={[0, top]} hide />
          <Area
            type="stepAfter"
            dataKey="viewers"
            stroke="currentColor"
            strokeWidth={1.5}
            fill="currentColor"
            fillOpacity={0.12}
            isAnimationActive={false}
            dot={false}
            activeDot={false}
          />
        </AreaChart>
      )}
    </div>
  );
}
