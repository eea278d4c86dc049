import type { OnAirClient, RouterOutputs } from '@onair/client';

export type LiveSession = RouterOutputs['live']['get'];
export type LiveStatus = LiveSession['status'];

/** How many lives one page of the list shows. */
export const LIVES_PAGE_SIZE = 50;

/** Newest first, as the API lists them; ids break ties so the order never flickers. */
function newestFirst(a: LiveSession, b: LiveSession): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

/** Puts each session in the list in place of its previous version (or adds it), keeping the order. */
export function mergeLives(lives: readonly LiveSession[], updates: readonly LiveSession[]): LiveSession[] {
  if (updates.length === 0) return [...lives];
  const byId = new Map(lives.map((live) => [live.id, live]));
  for (const update of updates) byId.set(update.id, update);
  return [...byId.values()].sort(newestFirst);
}

export interface LivesSnapshot {
  /** The newest lives and every live on air (the totals count them all). */
  lives: LiveSession[];
  /** Where the unfiltered list continues. */
  nextCursor: string | null;
}

/** Fetches what the overview starts from: the newest page and every live on air, in one batched request. */
export async function fetchLivesSnapshot(api: OnAirClient): Promise<LivesSnapshot> {
  const [newest, onAir] = await Promise.all([
    api.live.list.query({ limit: LIVES_PAGE_SIZE }),
    api.live.list.query({ status: 'LIVE', limit: 100 }),
  ]);
  return { lives: mergeLives(newest.items, onAir.items), nextCursor: newest.nextCursor };
}

/** The titles of these lives (one batched request), for lists that only hold live ids. */
export async function fetchLiveTitles(api: OnAirClient, liveIds: Iterable<string>): Promise<Record<string, string>> {
  const lives = await Promise.all([...new Set(liveIds)].map((id) => api.live.get.query({ id })));
  return Object.fromEntries(lives.map((live) => [live.id, live.title]));
}
