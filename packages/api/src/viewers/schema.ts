import { z } from 'zod';
import { liveIdSchema } from '../ids';

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

/** What a viewer id may be: short, and safe to embed anywhere (keys, logs, URLs). */
export const viewerIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'may only contain letters, digits and _ . : -');

/**
 * Who a presence call is for: a signed `viewerToken` (its `sub` is the viewer), or in `open` mode a
 * bare `viewerId`; a join with neither is a guest's, and answers with the guest's token.
 */
export const presenceInput = z.object({
  liveId: liveIdSchema,
  viewerId: viewerIdSchema.optional(),
  viewerToken: z.string().min(1, 'must not be empty').max(4_096, 'must be at most 4096 characters').optional(),
});
export const statsInput = z.object({ liveId: liveIdSchema });
export const statsUpdatesInput = z.object({ liveId: liveIdSchema, lastEventId: z.string().max(64).nullish() });

export type PresenceInput = z.infer<typeof presenceInput>;
