import { z } from 'zod';
import { liveIdSchema } from '../ids';
import { viewerStatsSchema } from '../viewers/schema';

export const liveStatusSchema = z.enum(['SCHEDULED', 'LIVE', 'ENDED']);
export type LiveStatus = z.infer<typeof liveStatusSchema>;

export const createLiveInput = z.object({
  title: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters'),
  scheduledAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' }).optional(),
  idempotencyKey: z.string().min(1).max(64, 'must be at most 64 characters').optional(),
});

export const liveIdInput = z.object({ id: liveIdSchema });

export const listLivesInput = z.object({
  status: liveStatusSchema.optional(),
  /** Only lives whose title contains this text, whatever the case. */
  title: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters').optional(),
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).nullish(),
});

export const liveUpdatesInput = z.object({
  id: liveIdSchema.optional(),
  lastEventId: z.string().max(64).nullish(),
});

export const liveSessionSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  status: liveStatusSchema,
  scheduledAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  endedAt: z.iso.datetime().nullable(),
  stats: viewerStatsSchema,
});

export type LiveSession = z.infer<typeof liveSessionSchema>;
export type CreateLiveInput = z.infer<typeof createLiveInput>;
export type ListLivesInput = z.infer<typeof listLivesInput>;
