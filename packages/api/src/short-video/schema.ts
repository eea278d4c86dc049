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
  /** The live's title when it ended (a live's title never changes), so a list of videos can name them. */
  liveTitle: z.string(),
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
  /** The operator who last retried it (a name of OPERATOR_TOKENS, or `operator`), null before any retry. */
  retriedBy: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export type ShortVideo = z.infer<typeof shortVideoSchema>;

/** One change of a video on its way through the pipeline, as recorded when it was made. */
export const shortVideoStepSchema = z.object({
  at: z.iso.datetime(),
  status: shortVideoStatusSchema,
  stage: z.string().nullable(),
  progress: z.number().int().min(0).max(100),
  /** The worker's attempt (1, 2, ...) at the time; 0 before the first and after a retry. */
  attempt: z.number().int().min(0),
  error: z.string().nullable(),
});

export type ShortVideoStep = z.infer<typeof shortVideoStepSchema>;

/** A video with every step it went through, oldest first, earlier runs (before a retry) included. */
export const shortVideoWithHistorySchema = shortVideoSchema.extend({ history: z.array(shortVideoStepSchema) });

export type ShortVideoWithHistory = z.infer<typeof shortVideoWithHistorySchema>;

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
