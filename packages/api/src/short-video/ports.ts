import type { EventPayload } from '../infra/events';
import type { liveEnded } from '../live/events';

/**
 * What the short-video domain needs from the others, as functions that app.ts wires: the domains
 * never call into each other's services or read each other's tables.
 */

/** One point of a live's audience curve: the viewer count from `at` (an ISO-8601 second) on. */
export interface ViewerCountPoint {
  at: string;
  count: number;
}

/** The audience curve of a live, oldest first (the viewers domain keeps it). */
export type ViewerTimelineReader = (liveId: string) => Promise<ViewerCountPoint[]>;

/** Until a viewers domain answers, every live has an empty curve: the highlight is the first 30 seconds. */
export const noViewerTimeline: ViewerTimelineReader = async () => [];

/** A live that was LIVE and has ended: what `live.ended` announced, or should have. */
export type EndedLive = EventPayload<typeof liveEnded>;

export interface EndedLivesQuery {
  endedSince: Date;
  /** Keyset: continue after this live, in (endedAt, liveId) order. */
  after?: { endedAt: string; liveId: string } | undefined;
  limit: number;
}

/** ENDED lives that had started, oldest end first (the live domain keeps them). */
export type EndedLivesLister = (query: EndedLivesQuery) => Promise<EndedLive[]>;
