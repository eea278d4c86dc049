import { describe, expect, it } from 'vitest';
import type { ViewerCountPoint } from '../ports';
import { chooseHighlight, peakSecond } from './detect-highlight';

const startedAt = new Date('2026-05-01T18:00:00.000Z');
const at = (second: number) => new Date(startedAt.getTime() + second * 1000).toISOString();
const curve = (...steps: [second: number, count: number][]): ViewerCountPoint[] =>
  steps.map(([second, count]) => ({ at: at(second), count }));
const tenMinutes = { startedAt, durationSec: 600 };

describe('chooseHighlight', () => {
  it('takes the first 30 seconds when there is no audience curve', () => {
    expect(chooseHighlight([], tenMinutes)).toEqual({ startSec: 0, endSec: 30 });
  });

  it('takes the first 30 seconds when nobody ever watched', () => {
    expect(chooseHighlight(curve([10, 0], [200, 0]), tenMinutes)).toEqual({ startSec: 0, endSec: 30 });
  });

  it('takes a recording shorter than the window whole', () => {
    expect(chooseHighlight(curve([2, 5]), { startedAt, durationSec: 12.5 })).toEqual({ startSec: 0, endSec: 12.5 });
  });

  it('contains the peak and as many viewer-seconds around it as possible', () => {
    // A crowd builds from 180 s, peaks at 200 s for 5 s, and leaves quickly.
    const points = curve([0, 3], [180, 40], [200, 90], [205, 20], [215, 5]);
    const highlight = chooseHighlight(points, tenMinutes);
    expect(highlight.startSec).toBeLessThanOrEqual(200);
    expect(highlight.endSec).toBeGreaterThanOrEqual(200);
    expect(highlight.endSec - highlight.startSec).toBe(30);
    // 180..210 holds 20 s at 40, 5 s at 90 and 5 s at 20: more viewer-seconds than any other window.
    expect(highlight).toEqual({ startSec: 180, endSec: 210 });
  });

  it('prefers the peak over a longer stretch with more viewer-seconds in total', () => {
    const points = curve([0, 50], [100, 0], [400, 80], [401, 0]);
    const highlight = chooseHighlight(points, tenMinutes);
    expect(highlight.startSec).toBeLessThanOrEqual(400);
    expect(highlight.endSec).toBeGreaterThanOrEqual(400);
  });

  it('keeps the window inside the recording when the peak is at its very end or start', () => {
    expect(chooseHighlight(curve([590, 100]), tenMinutes)).toEqual({ startSec: 570, endSec: 600 });
    expect(chooseHighlight(curve([0, 100], [5, 1]), tenMinutes)).toEqual({ startSec: 0, endSec: 30 });
  });

  it('ignores points outside the recording but keeps the count in force when it started', () => {
    const points = curve([-60, 7], [650, 500]);
    expect(chooseHighlight(points, tenMinutes)).toEqual({ startSec: 0, endSec: 30 });
  });

  it('chooses the earliest of equal peaks with equal surroundings', () => {
    const points = curve([100, 20], [101, 0], [300, 20], [301, 0]);
    expect(chooseHighlight(points, tenMinutes)).toEqual({ startSec: 71, endSec: 101 });
  });

  it('stays fast on a long, dense curve', () => {
    const dense = Array.from({ length: 14_400 }, (_, second) => ({
      at: at(second),
      count: 1_000 + Math.round(500 * Math.sin(second / 60)) + (second === 9_000 ? 5_000 : 0),
    }));
    const started = performance.now();
    const highlight = chooseHighlight(dense, { startedAt, durationSec: 14_400 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(highlight.startSec).toBeLessThanOrEqual(9_000);
    expect(highlight.endSec).toBeGreaterThanOrEqual(9_000);
  });
});

describe('peakSecond', () => {
  it('is the moment the audience first reached its peak within the window, else the window middle', () => {
    const points = curve([0, 3], [12, 40], [20, 90], [25, 20], [50, 200]);
    expect(peakSecond(points, startedAt, { startSec: 0, endSec: 30 })).toBe(20);
    // A peak in force since before the window starts shows at its start.
    expect(peakSecond(points, startedAt, { startSec: 22, endSec: 40 })).toBe(22);
    expect(peakSecond([], startedAt, { startSec: 10, endSec: 40 })).toBe(25);
  });
});
