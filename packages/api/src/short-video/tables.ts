import { sql } from 'drizzle-orm';
import {
  bigint,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgSequence,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

export const shortVideoStatus = pgEnum('short_video_status', ['PENDING', 'PROCESSING', 'READY', 'FAILED']);

/** Orders every change to every short video: the tracked id of `shortVideo.onUpdate`. */
export const shortVideoVersion = pgSequence('short_video_version_seq');

export interface HighlightWindow {
  startSec: number;
  endSec: number;
}

/** What fetch-recording found the live's recording to be. */
export interface RecordingFacts {
  durationSec: number;
  hasAudio: boolean;
  /** `url`: fetched from the live's recordingUrl; `synthetic`: made by ffmpeg (SYNTHETIC_RECORDINGS). */
  source: 'url' | 'synthetic';
}

export const shortVideos = pgTable(
  'short_videos',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Unique: one short video per live, whatever the number of deliveries of `live.ended`. */
    liveId: uuid('live_id').notNull().unique('short_videos_live_id_unique'),
    liveTitle: text('live_title').notNull(),
    liveStartedAt: timestamp('live_started_at', { withTimezone: true, mode: 'date' }).notNull(),
    liveEndedAt: timestamp('live_ended_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** The live's recording as `live.ended` gave it; null: none (a synthetic one, or FAILED). */
    recordingUrl: text('recording_url'),
    recording: jsonb('recording').$type<RecordingFacts>(),
    status: shortVideoStatus('status').notNull().default('PENDING'),
    progress: integer('progress').notNull().default(0),
    stage: text('stage'),
    /** Stages finished in the current run, so a resumed job never does (or records) one twice. */
    completedStages: text('completed_stages').array().notNull().default(sql`'{}'::text[]`),
    attempts: integer('attempts').notNull().default(0),
    /** The named operator of the last retry (OPERATOR_TOKENS), null before any. */
    retriedBy: text('retried_by'),
    error: text('error'),
    highlight: jsonb('highlight').$type<HighlightWindow>(),
    videoUrl: text('video_url'),
    thumbnailUrl: text('thumbnail_url'),
    durationSec: doublePrecision('duration_sec'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
    version: bigint('version', { mode: 'number' }).notNull().default(sql`nextval('short_video_version_seq')`),
  },
  (table) => [
    index('short_videos_newest_idx').on(table.createdAt.desc(), table.id.desc()),
    index('short_videos_status_newest_idx').on(table.status, table.createdAt.desc(), table.id.desc()),
    index('short_videos_version_idx').on(table.version),
  ],
);

export type ShortVideoRow = typeof shortVideos.$inferSelect;

/**
 * Every change of a video's status, stage, progress, attempt or error, oldest first: the way it went
 * through the pipeline, kept after a reload and after a retry (which starts the video over). Rows are
 * written by a trigger on `short_videos` (migration 0003), so every write path records its step in the
 * same statement, without a round trip of its own and without a way to forget one.
 */
export const shortVideoSteps = pgTable(
  'short_video_steps',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    shortVideoId: uuid('short_video_id')
      .notNull()
      .references(() => shortVideos.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    status: shortVideoStatus('status').notNull(),
    stage: text('stage'),
    progress: integer('progress').notNull(),
    attempt: integer('attempt').notNull(),
    error: text('error'),
  },
  (table) => [index('short_video_steps_video_idx').on(table.shortVideoId, table.id)],
);

export type ShortVideoStepRow = typeof shortVideoSteps.$inferSelect;
