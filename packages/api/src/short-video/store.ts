import { and, asc, desc, eq, gt, inArray, not, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../infra/db/client';
import type { PageCursor } from '../infra/pagination';
import type { ShortVideoStatus } from './schema';
import { type ShortVideoRow, shortVideos } from './tables';

export type ShortVideoChanges = Partial<
  Pick<
    ShortVideoRow,
    | 'status'
    | 'progress'
    | 'stage'
    | 'completedStages'
    | 'attempts'
    | 'error'
    | 'highlight'
    | 'videoUrl'
    | 'thumbnailUrl'
    | 'durationSec'
  >
>;

/** Values for a column that SQL computes from the row itself (e.g. appending to an array). */
export type ShortVideoUpdate = { [K in keyof ShortVideoChanges]: ShortVideoChanges[K] | SQL };

const textArray = (values: string[]): SQL =>
  sql`array[${sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  )}]::text[]`;

/** Appends stages to the stages done, in the database, so concurrent writers cannot lose one. */
export const appendStages = (stages: string[]): SQL => sql`${shortVideos.completedStages} || ${textArray(stages)}`;

/** Keeps the stage a resumed video stopped at; a video starting afresh (stage null) begins at `first`. */
export const stageOr = (first: string): SQL => sql`coalesce(${shortVideos.stage}, ${first})`;

/**
 * Persistence of short videos. Every write is a compare-and-set on the status (and, for a stage, on
 * the stages already done), so two workers that both believe they own a job cannot both apply a
 * change: the loser's write matches no row. Every write takes a fresh `version`.
 */
export const shortVideoStore = {
  async insert(
    db: Executor,
    values: { liveId: string; liveTitle: string; liveStartedAt: Date; liveEndedAt: Date; createdAt: Date },
  ): Promise<ShortVideoRow | undefined> {
    const [row] = await db
      .insert(shortVideos)
      .values({ ...values, updatedAt: values.createdAt })
      .onConflictDoNothing({ target: shortVideos.liveId })
      .returning();
    return row;
  },

  async findById(db: Executor, id: string): Promise<ShortVideoRow | undefined> {
    const [row] = await db.select().from(shortVideos).where(eq(shortVideos.id, id));
    return row;
  },

  async findByLiveId(db: Executor, liveId: string): Promise<ShortVideoRow | undefined> {
    const [row] = await db.select().from(shortVideos).where(eq(shortVideos.liveId, liveId));
    return row;
  },

  async liveIdsWithVideo(db: Executor, liveIds: string[]): Promise<Set<string>> {
    if (liveIds.length === 0) return new Set();
    const rows = await db
      .select({ liveId: shortVideos.liveId })
      .from(shortVideos)
      .where(inArray(shortVideos.liveId, liveIds));
    return new Set(rows.map((row) => row.liveId));
  },

  /**
   * Applies `changes` if the video is in one of `statuses` (and, with `unlessStagesDone`, has recorded
   * none of those stages yet); returns the updated row, or undefined when the guard did not match.
   */
  async update(
    db: Executor,
    id: string,
    guard: { statuses: ShortVideoStatus[]; unlessStagesDone?: string[] },
    changes: ShortVideoUpdate,
    now: Date,
  ): Promise<ShortVideoRow | undefined> {
    const [row] = await db
      .update(shortVideos)
      .set({ ...changes, updatedAt: now, version: sql`nextval('short_video_version_seq')` })
      .where(
        and(
          eq(shortVideos.id, id),
          inArray(shortVideos.status, guard.statuses),
          guard.unlessStagesDone === undefined
            ? undefined
            : not(sql`${shortVideos.completedStages} && ${textArray(guard.unlessStagesDone)}`),
        ),
      )
      .returning();
    return row;
  },

  /** Newest first, keyset-paginated on (createdAt, id). */
  async page(
    db: Executor,
    options: { liveId?: string; status?: ShortVideoStatus; limit: number; after?: PageCursor },
  ): Promise<ShortVideoRow[]> {
    const conditions: SQL[] = [];
    if (options.liveId) conditions.push(eq(shortVideos.liveId, options.liveId));
    if (options.status) conditions.push(eq(shortVideos.status, options.status));
    if (options.after) {
      conditions.push(
        sql`(${shortVideos.createdAt}, ${shortVideos.id}) < (${options.after.createdAt.toISOString()}, ${options.after.id})`,
      );
    }
    return db
      .select()
      .from(shortVideos)
      .where(and(...conditions))
      .orderBy(desc(shortVideos.createdAt), desc(shortVideos.id))
      .limit(options.limit);
  },

  /** Changes after a version, oldest first: what a reconnecting subscriber missed. */
  async changedSince(db: Executor, version: number, liveId?: string, limit = 500): Promise<ShortVideoRow[]> {
    return db
      .select()
      .from(shortVideos)
      .where(and(gt(shortVideos.version, version), liveId ? eq(shortVideos.liveId, liveId) : undefined))
      .orderBy(asc(shortVideos.version))
      .limit(limit);
  },

  /** Videos that should have a job in the queue (PENDING or PROCESSING), in id order. */
  async unfinished(db: Executor, options: { afterId?: string | undefined; limit: number }): Promise<ShortVideoRow[]> {
    return db
      .select()
      .from(shortVideos)
      .where(
        and(
          inArray(shortVideos.status, ['PENDING', 'PROCESSING']),
          options.afterId ? gt(shortVideos.id, options.afterId) : undefined,
        ),
      )
      .orderBy(asc(shortVideos.id))
      .limit(options.limit);
  },
};
