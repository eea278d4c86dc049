import { integer, jsonb, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';

/** One point of a live's audience curve: the count at the end of a second that had changes. */
export interface TimelinePoint {
  /** ISO-8601 second. */
  at: string;
  count: number;
}

/**
 * The audience of a live once it has ended, frozen from Redis (where presence lives while the live
 * is on air) so it outlasts the Redis keys.
 */
export const viewerSummaries = pgTable('viewer_summaries', {
  liveId: uuid('live_id').primaryKey(),
  peak: integer('peak').notNull(),
  unique: integer('unique_viewers').notNull(),
  timeline: jsonb('timeline').$type<TimelinePoint[]>().notNull(),
  frozenAt: timestamp('frozen_at', { withTimezone: true, mode: 'date' }).notNull(),
});

export type ViewerSummaryRow = typeof viewerSummaries.$inferSelect;
