'use client';

import { Area, AreaChart, CartesianGrid, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { useInBrowser } from '@/lib/use-in-browser';
import type { SeriesPoint } from '@/lib/viewer-history';
import styles from './viewer-chart.module.css';

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const formatMoment = (at: number) => clock.format(at);
const atLeastFive = (dataMax: number) => Math.max(5, Math.ceil(dataMax * 1.1));

interface ViewerChartProps {
  series: SeriesPoint[];
  peak: number;
  /** What the chart shows, in words, for screen readers and as the figure's caption. */
  summary: string;
}

/** The audience of one live over time, as a step curve (the count holds until the next change). */
export function ViewerChart({ series, peak, summary }: ViewerChartProps) {
  const inBrowser = useInBrowser();
  return (
    <figure className={styles.figure}>
      <figcaption className="visually-hidden">{summary}</figcaption>
      <div className={styles.plot} aria-hidden="true">
        {inBrowser && (
          <AreaChart
            responsive
            style={{ width: '100%', height: '100%' }}
            data={series}
            margin={{ top: 12, right: 16, bottom: 4, left: 0 }}
            accessibilityLayer={false}
          >
            <CartesianGrid stroke="#e2e8f0" vertical={false} />
            <XAxis
              dataKey="at"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tickFormatter={formatMoment}
              tick={{ fill: '#475569', fontSize: 12 }}
              minTickGap={48}
            />
            <YAxis
              allowDecimals={false}
              domain={[0, atLeastFive]}
              width={44}
              tick={{ fill: '#475569', fontSize: 12 }}
            />
            <Tooltip
              labelFormatter={(at) => formatMoment(Number(at))}
              formatter={(viewers) => [viewers, 'Watching']}
              isAnimationActive={false}
            />
            {peak > 0 && (
              <ReferenceLine
                y={peak}
                stroke="#b45309"
                strokeDasharray="4 4"
                label={{ value: `Peak ${peak}`, position: 'insideTopRight', fill: '#92400e', fontSize: 12 }}
              />
            )}
            <Area
              type="stepAfter"
              dataKey="viewers"
              stroke="#dc2626"
              strokeWidth={2}
              fill="#dc2626"
              fillOpacity={0.12}
              isAnimationActive={false}
              dot={false}
            />
          </AreaChart>
        )}
      </div>
    </figure>
  );
}
