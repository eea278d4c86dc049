import type { RouterInputs, RouterOutputs } from '@onair/client';

export type LiveSession = RouterOutputs['live']['get'];
export type LiveStatus = LiveSession['status'];
export type LiveListInput = RouterInputs['live']['list'];

/** How many lives one page of the list shows. */
export const LIVES_PAGE_SIZE = 50;

/** What the overview's totals count: every live on air (the API's largest page). */
export const ON_AIR_INPUT = { status: 'LIVE', limit: 100 } as const satisfies LiveListInput;

/** The overview's list, as a query's input: one filter, an optional title search. */
export function livesListInput(status: LiveStatus | undefined, title: string): LiveListInput {
  const wanted = title.trim();
  return { limit: LIVES_PAGE_SIZE, ...(status ? { status } : {}), ...(wanted ? { title: wanted } : {}) };
}

/** A live on air without a viewer for this long is flagged idle on the overview. */
export const IDLE_AFTER_MS = 5 * 60_000;

/**
 * Since when a live on air has had nobody watching, or null while someone is. The counts' time is
 * their last change once anyone has joined; before that it is the time of reading, so the start counts.
 */
export function idleSince(live: LiveSession): number | null {
  if (live.status !== 'LIVE' || live.stats.current > 0 || !live.startedAt) return null;
  return live.stats.peak > 0 ? Date.parse(live.stats.updatedAt) : Date.parse(live.startedAt);
}

/** The inputs of the queries a live's page reads, which the dashboard server prefetches. */
export function liveDetailInputs(liveId: string) {
  return { live: { id: liveId }, timeline: { liveId }, video: { liveId, limit: 1 } } as const;
}
