import type { ViewerCountPoint } from '../ports';
import type { HighlightWindow } from '../tables';
import type { Stage } from './stage';

export const highlightSec = 30;

/**
 * The 30-second window of the highest viewer count: among the windows that contain the moment the
 * audience peaked, the one with the most viewer-seconds (ties: the earliest). Containing the peak
 * comes first because that moment is the highlight; the viewer-seconds choose how much of what
 * led up to it and followed it the clip shows. With no audience curve (or nobody watching), the first
 * 30 seconds; a recording shorter than that is taken whole.
 *
 * The curve is a step function: each point's count holds from its second until the next point.
 * Seconds are counted from the start of the recording (the live's `startedAt`).
 */
export function chooseHighlight(
  points: ViewerCountPoint[],
  recording: { startedAt: Date; durationSec: number },
  windowSec = highlightSec,
): HighlightWindow {
  const duration = recording.durationSec;
  if (duration <= windowSec) return { startSec: 0, endSec: round(duration) };
  const curve = toCurve(points, recording.startedAt, duration);
  const peak = Math.max(0, ...curve.map((step) => step.count));
  if (peak === 0) return { startSec: 0, endSec: windowSec };

  // viewerSecondsUntil[i]: the area under the curve from 0 to curve[i].at.
  const viewerSecondsUntil: number[] = [0];
  for (let index = 1; index < curve.length; index++) {
    const previous = curve[index - 1] as Step;
    const current = curve[index] as Step;
    viewerSecondsUntil.push((viewerSecondsUntil[index - 1] as number) + previous.count * (current.at - previous.at));
  }
  const areaUntil = (x: number) => {
    const index = lastStepAtOrBefore(curve, x);
    const step = curve[index] as Step;
    return (viewerSecondsUntil[index] as number) + step.count * (x - step.at);
  };
  const viewerSeconds = (start: number) => areaUntil(start + windowSec) - areaUntil(start);

  let best: { start: number; area: number } | undefined;
  for (const peakStep of curve) {
    if (peakStep.count !== peak) continue;
    // Windows [start, start + windowSec] that contain the peak's moment and fit in the recording.
    const lowest = Math.max(0, peakStep.at - windowSec);
    const highest = Math.min(peakStep.at, duration - windowSec);
    // The area is piecewise linear in `start`, so its maximum is at a bound or where a window edge
    // crosses a step.
    const candidates = [lowest, highest];
    for (const step of curve) candidates.push(step.at, step.at - windowSec);
    for (const start of candidates) {
      if (start < lowest || start > highest) continue;
      const area = viewerSeconds(start);
      if (!best || area > best.area + 1e-9 || (Math.abs(area - best.area) <= 1e-9 && start < best.start)) {
        best = { start, area };
      }
    }
  }
  const start = best?.start ?? 0;
  return { startSec: round(start), endSec: round(Math.min(duration, start + windowSec)) };
}

interface Step {
  /** Seconds from the start of the recording. */
  at: number;
  count: number;
}

/**
 * The moment the audience first reached its peak within `window` (seconds into the recording); the
 * middle of the window when nobody watched. The poster shows this frame.
 */
export function peakSecond(points: ViewerCountPoint[], startedAt: Date, window: HighlightWindow): number {
  const curve = toCurve(points, startedAt, window.endSec).filter(
    (step, index, all) => step.at >= window.startSec || (all[index + 1]?.at ?? window.endSec) > window.startSec,
  );
  const peak = Math.max(0, ...curve.map((step) => step.count));
  const first = curve.find((step) => step.count === peak);
  if (peak === 0 || !first) return round((window.startSec + window.endSec) / 2);
  return round(Math.min(Math.max(first.at, window.startSec), window.endSec));
}

/** The curve within [0, duration), starting at 0 with the count in force when the live started. */
export function toCurve(points: ViewerCountPoint[], startedAt: Date, duration: number): Step[] {
  const steps = points
    .map((point) => ({ at: (Date.parse(point.at) - startedAt.getTime()) / 1000, count: Math.max(0, point.count) }))
    .filter((step) => Number.isFinite(step.at) && Number.isFinite(step.count) && step.at < duration)
    .sort((a, b) => a.at - b.at);
  const curve: Step[] = [{ at: 0, count: 0 }];
  for (const step of steps) {
    const at = Math.max(0, step.at);
    const last = curve[curve.length - 1] as Step;
    if (at === last.at) last.count = step.count;
    else curve.push({ at, count: step.count });
  }
  return curve;
}

function lastStepAtOrBefore(curve: Step[], x: number): number {
  let low = 0;
  let high = curve.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if ((curve[middle] as Step).at <= x) low = middle;
    else high = middle - 1;
  }
  return low;
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

export const detectHighlight: Stage = {
  name: 'detect-highlight',
  async run({ video, timeline }) {
    if (!video.recording) throw new Error('detect-highlight ran before fetch-recording recorded the recording');
    // The live's own duration and the recording's may differ (a synthetic one is capped; a provider's
    // may start late or end early): the clip fits in both.
    const liveSec = (video.liveEndedAt.getTime() - video.liveStartedAt.getTime()) / 1000;
    const durationSec = Math.min(liveSec, video.recording.durationSec);
    return { highlight: chooseHighlight(await timeline(), { startedAt: video.liveStartedAt, durationSec }) };
  },
};
