import { z } from 'zod';

export const viewerStatsSchema = z.object({
  liveId: z.uuid(),
  current: z.number().int().nonnegative(),
  peak: z.number().int().nonnegative(),
  /** Approximate: a HyperLogLog of every viewer that ever joined. */
  unique: z.number().int().nonnegative(),
  updatedAt: z.iso.datetime(),
});

export type ViewerStats = z.infer<typeof viewerStatsSchema>;

export function emptyViewerStats(liveId: string, at: Date): ViewerStats {
  return { liveId, current: 0, peak: 0, unique: 0, updatedAt: at.toISOString() };
}
