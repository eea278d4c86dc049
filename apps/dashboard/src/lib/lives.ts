import type { RouterOutputs } from '@onair/client';

export type LiveSession = RouterOutputs['live']['get'];
export type LiveStatus = LiveSession['status'];
export type LivesPage = RouterOutputs['live']['list'];

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
