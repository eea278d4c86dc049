import { z } from 'zod';
import { liveIdSchema, storableInstant, storableText } from '../ids';
import { viewerStatsSchema } from '../viewers/schema';

export const liveStatusSchema = z.enum(['SCHEDULED', 'LIVE', 'ENDED']);
export type LiveStatus = z.infer<typeof liveStatusSchema>;

/** Where the video provider holds the live's recording: an http(s) address of an MP4 or an HLS playlist. */
export const recordingUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2048, 'must be at most 2048 characters');

export const createLiveInput = z.object({
  title: storableText().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters'),
  scheduledAt: storableInstant('must be an ISO-8601 date-time').optional(),
  idempotencyKey: storableText().min(1).max(64, 'must be at most 64 characters').optional(),
  recordingUrl: recordingUrlSchema.optional(),
});

export const liveIdInput = z.object({ id: liveIdSchema });

/** The recording may be known only once the live is over: ending it may name it (or replace it). */
export const endLiveInput = z.object({ id: liveIdSchema, recordingUrl: recordingUrlSchema.optional() });

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
  recordingUrl: z.string().nullable(),
  /** Which operator created, started and ended the live (null when not recorded). */
  createdBy: z.string().nullable(),
  startedBy: z.string().nullable(),
  endedBy: z.string().nullable(),
  stats: viewerStatsSchema,
});

export type LiveSession = z.infer<typeof liveSessionSchema>;
export type EndLiveInput = z.infer<typeof endLiveInput>;
export type CreateLiveInput = z.infer<typeof createLiveInput>;
export type ListLivesInput = z.infer<typeof listLivesInput>;
