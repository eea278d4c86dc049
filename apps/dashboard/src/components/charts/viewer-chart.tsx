'use client';

import { Area, AreaChart, CartesianGrid, ReferenceDot, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { countTicks, timeTicks } from '@/lib/chart-scale';
import { useColorScheme } from '@/lib/use-color-scheme';
import { useInBrowser } from '@/lib/use-in-browser';
import type { SeriesPoint } from '@/lib/viewer-history';
import styles from './viewer-chart.module.css';

const withSeconds = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const withMinutes = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

const PALETTES = {
  light: { grid: '#e2e8f0', tick: '#475569', line: '#dc2626', peak: '#92400e', end: '#334155' },
  dark: { grid: '#334155', tick: '#cbd5e1', line: '#f87171', peak: '#fbbf24', end: '#e2e8f0' },
} as const;

interface ViewerChartProps {
  series: SeriesPoint[];
  /** The highest count and when it was first reached, if that moment is on the chart. */
  peak: { viewers: number; at: number | null };
  /** When the live ended, if it did. */
  endedAt: number | null;
  /** What the chart shows, in words, for screen readers and as the figure's caption. */
  summary: string;
}

/**
 * The audience of one live over time, as a step curve (the count holds until the next change), on
 * round ticks of viewers and local time, with its peak and its end marked.
 */
export function ViewerChart({ series, peak, endedAt, summary }: ViewerChartProps) {
  const inBrowser = useInBrowser();
  const colors = PALETTES[useColorScheme()];
  const from = series[0]?.at ?? 0;
  const to = series.at(-1)?.at ?? from;
  const yTicks = countTicks(Math.max(peak.viewers, ...series.map((point) => point.viewers)));
  const { ticks: xTicks, step } = timeTicks(from, to);
  const clock = step < 60_000 ? withSeconds : withMinutes;
  const tick = { fill: colors.tick, fontSize: 12 };

  return (
    <figure className={styles.figure}>
      <figcaption className="visually-hidden">{summary}</figcaption>
      <div className={styles.plot} aria-hidden="true">
        {inBrowser && (
          <AreaChart
            responsive
            style={{ width: '100%', height: '100%' }}
            data={series}
            margin={{ top: 24, right: 20, bottom: 16, left: 8 }}
            accessibilityLayer={false}
          >
            <CartesianGrid stroke={colors.grid} vertical={false} />
            <XAxis
              dataKey="at"
              type="number"
              scale="time"
              domain={[from, to]}
              ticks={xTicks}
              tickFormatter={(at: number) => clock.format(at)}
              tick={tick}
              label={{ value: 'Local time', position: 'insideBottom', offset: -12, fill: colors.tick, fontSize: 12 }}
            />
            <YAxis
              allowDecimals={false}
              domain={[0, yTicks.at(-1) ?? 5]}
              ticks={yTicks}
              width={48}
              tick={tick}
              label={{ value: 'Viewers', angle: -90, position: 'insideLeft', fill: colors.tick, fontSize: 12 }}
            />
            <Tooltip
              labelFormatter={(at) => withSeconds.format(Number(at))}
              formatter={(viewers) => [viewers, 'Watching']}
              isAnimationActive={false}
            />
            {peak.viewers > 0 && <ReferenceLine y={peak.viewers} stroke={colors.peak} strokeDasharray="4 4" />}
            {peak.viewers > 0 && peak.at !== null && peak.at >= from && peak.at <= to && (
              <ReferenceDot
                x={peak.at}
                y={peak.viewers}
                r={5}
                fill={colors.peak}
                stroke="none"
                label={{ value: `Peak ${peak.viewers}`, position: 'top', fill: colors.peak, fontSize: 12 }}
              />
            )}
            {endedAt !== null && endedAt >= from && endedAt <= to && (
              <ReferenceLine
                x={endedAt}
                stroke={colors.end}
                strokeDasharray="2 3"
                label={{ value: 'Ended', position: 'insideTopRight', fill: colors.end, fontSize: 12 }}
              />
            )}
            <Area
              type="stepAfter"
              dataKey="viewers"
              stroke={colors.line}
              strokeWidth={2}
              fill={colors.line}
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
