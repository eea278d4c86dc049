import { z } from 'zod';
import { idSchema, liveIdSchema } from '../ids';

export const shortVideoStatusSchema = z.enum(['PENDING', 'PROCESSING', 'READY', 'FAILED']);
export type ShortVideoStatus = z.infer<typeof shortVideoStatusSchema>;

export const shortVideoIdSchema = idSchema;

/** Seconds from the start of the live's recording. */
export const highlightWindowSchema = z.object({ startSec: z.number().min(0), endSec: z.number().min(0) });

export const shortVideoSchema = z.object({
  id: z.uuid(),
  liveId: z.uuid(),
  status: shortVideoStatusSchema,
  progress: z.number().int().min(0).max(100),
  stage: z.string().nullable(),
  attempts: z.number().int().min(0),
  error: z.string().nullable(),
  highlight: highlightWindowSchema.nullable(),
  /** A path on the API's origin (`/media/clips/<id>.mp4`): the clip, once READY. */
  videoUrl: z.string().nullable(),
  /** A path on the API's origin (`/media/thumbnails/<id>.jpg`): the API does not know its public URL. */
  thumbnailUrl: z.string().nullable(),
  durationSec: z.number().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export type ShortVideo = z.infer<typeof shortVideoSchema>;

export const shortVideoIdInput = z.object({ id: shortVideoIdSchema });

export const listShortVideosInput = z.object({
  liveId: liveIdSchema.optional(),
  status: shortVideoStatusSchema.optional(),
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).nullish(),
});

export const shortVideoUpdatesInput = z.object({
  liveId: liveIdSchema.optional(),
  lastEventId: z.string().max(64).nullish(),
});

export type ListShortVideosInput = z.infer<typeof listShortVideosInput>;
