import { and, asc, eq, gt, inArray, not, Param, type SQL, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Database, Executor } from '../infra/db/client';
import { newestFirst, type PageQuery } from '../infra/pagination';
import type { ShortVideoStatus } from './schema';
import { type ShortVideoRow, type ShortVideoStepRow, shortVideoSteps, shortVideos } from './tables';

export type ShortVideoChanges = Partial<
  Pick<
    ShortVideoRow,
    | 'status'
    | 'progress'
    | 'stage'
    | 'completedStages'
    | 'attempts'
    | 'error'
    | 'recording'
    | 'highlight'
    | 'videoUrl'
    | 'thumbnailUrl'
    | 'durationSec'
    | 'retriedBy'
  >
>;

/**
 * One compare-and-set write: `set` applies if the video is in one of `statuses` (and, with
 * `unlessStagesDone`, has recorded none of those stages yet). Two values are computed by the database
 * from the row itself, so concurrent writers cannot lose each other's: `appendStages` appends to the
 * stages done, and `stageUnlessSet` sets the stage only where there is none (a resumed video keeps its own).
 */
export interface ShortVideoWrite {
  statuses: readonly ShortVideoStatus[];
  unlessStagesDone?: readonly string[] | undefined;
  set: ShortVideoChanges;
  appendStages?: readonly string[] | undefined;
  stageUnlessSet?: string | undefined;
}

/**
 * A value filled in when a prepared statement runs, encoded as `column` encodes it (dates, JSON,
 * arrays). NULL stays NULL: drizzle's own placeholders would store a JSON column's null as JSON `null`.
 */
function bound(name: string, column: { mapToDriverValue(value: unknown): unknown }): SQL {
  return sql`${new Param(sql.placeholder(name), {
    mapToDriverValue: (value: unknown) => (value === null ? null : column.mapToDriverValue(value)),
  })}`;
}

/** What makes two writes the same statement: the guard's statuses, the columns set, the computed values. */
function shapeOf(write: ShortVideoWrite): { key: string; columns: (keyof ShortVideoChanges)[] } {
  const columns = (Object.keys(write.set) as (keyof ShortVideoChanges)[])
    .filter((column) => write.set[column] !== undefined)
    .sort();
  const key = [
    write.statuses.join(','),
    columns.join(','),
    write.unlessStagesDone ? 'unless' : '',
    write.appendStages ? 'append' : '',
    write.stageUnlessSet === undefined ? '' : 'stage',
  ].join('|');
  return { key, columns };
}

const nextVersion = sql`nextval('short_video_version_seq')`;

/**
 * The statement of one shape of write (which statuses, which columns), prepared once per database:
 * drizzle builds its SQL once instead of on every write, and PostgreSQL parses and plans it once per
 * connection. It also saves a round trip: postgres.js runs an unprepared query with parameters as
 * two (describe, then execute), a prepared one as one once the connection knows it.
 */
function prepareUpdate(db: Database, write: ShortVideoWrite, columns: readonly (keyof ShortVideoChanges)[]) {
  const set: PgUpdateSetSource<typeof shortVideos> = {
    updatedAt: bound('now', shortVideos.updatedAt),
    version: nextVersion,
  };
  for (const column of columns) set[column] = bound(column, shortVideos[column]);
  if (write.appendStages) {
    set.completedStages = sql`${shortVideos.completedStages} || ${bound('appendStages', shortVideos.completedStages)}::text[]`;
  }
  if (write.stageUnlessSet !== undefined) {
    set.stage = sql`coalesce(${shortVideos.stage}, ${bound('stageUnlessSet', shortVideos.stage)})`;
  }
  return db
    .update(shortVideos)
    .set(set)
    .where(
      and(
        eq(shortVideos.id, sql.placeholder('id')),
        inArray(shortVideos.status, [...write.statuses]),
        write.unlessStagesDone === undefined
          ? undefined
          : not(
              sql`${shortVideos.completedStages} && ${bound('unlessStagesDone', shortVideos.completedStages)}::text[]`,
            ),
      ),
    )
    .returning()
    .prepare('short_video_update');
}

function prepareReads(db: Database) {
  return {
    byId: db
      .select()
      .from(shortVideos)
      .where(eq(shortVideos.id, sql.placeholder('id')))
      .prepare('short_video_by_id'),
    byLiveId: db
      .select()
      .from(shortVideos)
      .where(eq(shortVideos.liveId, sql.placeholder('liveId')))
      .prepare('short_video_by_live_id'),
  };
}

interface Prepared {
  updates: Map<string, ReturnType<typeof prepareUpdate>>;
  reads: ReturnType<typeof prepareReads>;
}

const preparedByDatabase = new WeakMap<Database, Prepared>();

function prepared(db: Database): Prepared {
  let statements = preparedByDatabase.get(db);
  if (!statements) {
    statements = { updates: new Map(), reads: prepareReads(db) };
    preparedByDatabase.set(db, statements);
  }
  return statements;
}

export interface NewShortVideo {
  liveId: string;
  liveTitle: string;
  liveStartedAt: Date;
  liveEndedAt: Date;
  recordingUrl: string | null;
  createdAt: Date;
}

/**
 * Persistence of short videos. Every write is a compare-and-set on the status (and, for a stage, on
 * the stages already done), so two workers that both believe they own a job cannot both apply a
 * change: the loser's write matches no row. Every write takes a fresh `version`.
 */
export const shortVideoStore = {
  /**
   * Inserts the videos of lives that have none yet, in one statement; returns those it inserted
   * (a live that already has its video, or appears twice, is skipped by its unique live_id).
   */
  async insertMany(db: Database, values: readonly NewShortVideo[]): Promise<ShortVideoRow[]> {
    if (values.length === 0) return [];
    // Prepared: one statement per batch size, parsed once per connection; unprepared, postgres.js
    // would describe it first, a round trip more.
    return db
      .insert(shortVideos)
      .values(values.map((video) => ({ ...video, updatedAt: video.createdAt })))
      .onConflictDoNothing({ target: shortVideos.liveId })
      .returning()
      .prepare('short_video_insert_many')
      .execute();
  },

  async findById(db: Database, id: string): Promise<ShortVideoRow | undefined> {
    const [row] = await prepared(db).reads.byId.execute({ id });
    return row;
  },

  /** The video's steps, oldest first (written by the database itself, see `shortVideoSteps`). */
  async steps(db: Executor, id: string): Promise<ShortVideoStepRow[]> {
    return db
      .select()
      .from(shortVideoSteps)
      .where(eq(shortVideoSteps.shortVideoId, id))
      .orderBy(asc(shortVideoSteps.id));
  },

  async findByLiveId(db: Database, liveId: string): Promise<ShortVideoRow | undefined> {
    const [row] = await prepared(db).reads.byLiveId.execute({ liveId });
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

  /** Applies `write` as a compare-and-set; returns the updated row, or undefined when the guard did not match. */
  async update(db: Database, id: string, write: ShortVideoWrite, now: Date): Promise<ShortVideoRow | undefined> {
    const { key, columns } = shapeOf(write);
    const { updates } = prepared(db);
    let statement = updates.get(key);
    if (!statement) {
      statement = prepareUpdate(db, write, columns);
      updates.set(key, statement);
    }
    const values: Record<string, unknown> = { id, now, ...write.set };
    if (write.unlessStagesDone) values.unlessStagesDone = write.unlessStagesDone;
    if (write.appendStages) values.appendStages = write.appendStages;
    if (write.stageUnlessSet !== undefined) values.stageUnlessSet = write.stageUnlessSet;
    const [row] = await statement.execute(values);
    return row;
  },

  /** Newest first (see infra/pagination). */
  async page(
    db: Executor,
    options: { liveId?: string; status?: ShortVideoStatus } & PageQuery,
  ): Promise<ShortVideoRow[]> {
    const order = newestFirst(shortVideos, options.after);
    return db
      .select()
      .from(shortVideos)
      .where(
        and(
          options.liveId ? eq(shortVideos.liveId, options.liveId) : undefined,
          options.status ? eq(shortVideos.status, options.status) : undefined,
          order.after,
        ),
      )
      .orderBy(...order.orderBy)
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
