import { sql } from 'drizzle-orm';
import { bigint, index, pgEnum, pgSequence, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const liveStatus = pgEnum('live_status', ['SCHEDULED', 'LIVE', 'ENDED']);

/**
 * Every change to a live takes the next value, so `version` orders changes across all lives:
 * it is the tracked id of `live.onUpdate` and what a reconnecting client resumes from.
 */
export const liveVersion = pgSequence('live_version_seq');

export const lives = pgTable(
  'lives',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    status: liveStatus('status').notNull().default('SCHEDULED'),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
    /** Where the video provider holds the live's recording (http(s), MP4 or HLS), when it said. */
    recordingUrl: text('recording_url'),
    /** The named operator who created, started and ended it (OPERATOR_TOKENS; `operator` for OPERATOR_TOKEN). */
    createdBy: text('created_by'),
    startedBy: text('started_by'),
    endedBy: text('ended_by'),
    idempotencyKey: text('idempotency_key').unique('lives_idempotency_key_unique'),
    version: bigint('version', { mode: 'number' }).notNull().default(sql`nextval('live_version_seq')`),
  },
  (table) => [
    index('lives_newest_idx').on(table.createdAt.desc(), table.id.desc()),
    index('lives_status_newest_idx').on(table.status, table.createdAt.desc(), table.id.desc()),
    index('lives_version_idx').on(table.version),
  ],
);

export type LiveRow = typeof lives.$inferSelect;
