/** Round axis ticks, so a chart reads 0, 10, 20, 30 viewers rather than 0, 11, 22, 33. */

/** The smallest step of 1, 2 or 5 × 10ⁿ that covers `max` in at most `count` steps. */
export function niceStep(max: number, count = 4): number {
  const raw = Math.max(max, 1) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= raw) ?? raw;
  return Math.max(1, step);
}

/** Ticks from 0 to a round top at or above `max` (at least 5, so a quiet live is not drawn as a wall). */
export function countTicks(max: number): number[] {
  const step = niceStep(Math.max(max, 5));
  const top = Math.ceil(Math.max(max, 5) / step) * step;
  return Array.from({ length: Math.round(top / step) + 1 }, (_, index) => index * step);
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const TIME_STEPS = [
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
];

/** Moments on round minutes (or seconds, hours) between `from` and `to`, at most about `count`. */
export function timeTicks(from: number, to: number, count = 6): { ticks: number[]; step: number } {
  const span = Math.max(to - from, SECOND);
  const step = TIME_STEPS.find((candidate) => span / candidate <= count) ?? 24 * HOUR;
  // Round in local time: an operator's 10:30 is a round moment, whatever the zone's offset.
  const offset = new Date(from).getTimezoneOffset() * MINUTE;
  const first = Math.ceil((from - offset) / step) * step + offset;
  const ticks: number[] = [];
  for (let at = first; at <= to; at += step) ticks.push(at);
  return { ticks, step };
}
