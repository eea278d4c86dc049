import type { RouterOutputs } from '@onair/client';

export type ViewerTimeline = RouterOutputs['viewer']['timeline'];
export type ViewerStats = RouterOutputs['viewer']['stats'];

/** One known count: from `at` (epoch ms) on, `count` viewers watched, until the next point. */
export interface CountPoint {
  at: number;
  count: number;
}

/** One point of a chart's series. */
export interface SeriesPoint {
  at: number;
  viewers: number;
}

/** The API's timeline (one point per second with changes) as count points, oldest first. */
export function fromTimeline(timeline: ViewerTimeline): CountPoint[] {
  return timeline.points.map((point) => ({ at: Date.parse(point.at), count: point.count }));
}

/**
 * The step curve between `from` and `to`: the count in force at `from`, every change inside the
 * window, and the count still in force at `to`, so the line reaches the window's edges.
 */
export function stepSeries(points: readonly CountPoint[], from: number, to: number): SeriesPoint[] {
  let before = 0;
  const inside: SeriesPoint[] = [];
  for (const point of points) {
    if (point.at <= from) before = point.count;
    else if (point.at <= to) inside.push({ at: point.at, viewers: point.count });
  }
  const lastCount = inside.at(-1)?.viewers ?? before;
  return [{ at: from, viewers: before }, ...inside, { at: to, viewers: lastCount }];
}

/**
 * At most `buckets` points: the highest count of each slice of the window, so a sparkline keeps its
 * peaks while staying cheap to draw for hours of history.
 */
export function downsample(series: readonly SeriesPoint[], buckets: number): SeriesPoint[] {
  if (series.length <= buckets) return [...series];
  const first = series[0] as SeriesPoint;
  const last = series.at(-1) as SeriesPoint;
  const width = (last.at - first.at) / buckets || 1;
  const peaks = new Map<number, SeriesPoint>();
  for (const point of series) {
    const bucket = Math.min(buckets - 1, Math.floor((point.at - first.at) / width));
    const held = peaks.get(bucket);
    if (!held || point.viewers > held.viewers)
      peaks.set(bucket, { at: first.at + bucket * width, viewers: point.viewers });
  }
  return [...peaks.values(), last].sort((a, b) => a.at - b.at);
}
