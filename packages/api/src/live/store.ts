import { and, asc, eq, gt, gte, ilike, isNotNull, sql } from 'drizzle-orm';
import type { Executor } from '../infra/db/client';
import { newestFirst, type PageQuery } from '../infra/pagination';
import type { LiveStatus } from './schema';
import { type LiveRow, lives } from './tables';

/** Persistence of live sessions; every write takes a fresh `version` from the shared sequence. */
export const liveStore = {
  async insert(
    db: Executor,
    values: {
      title: string;
      scheduledAt: Date | null;
      createdAt: Date;
      createdBy: string | null;
      idempotencyKey: string | null;
      recordingUrl: string | null;
    },
  ): Promise<LiveRow | undefined> {
    const [row] = await db
      .insert(lives)
      .values(values)
      .onConflictDoNothing({ target: lives.idempotencyKey })
      .returning();
    return row;
  },

  async findById(db: Executor, id: string, forUpdate = false): Promise<LiveRow | undefined> {
    const query = db.select().from(lives).where(eq(lives.id, id));
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  },

  async findByIdempotencyKey(db: Executor, key: string): Promise<LiveRow | undefined> {
    const [row] = await db.select().from(lives).where(eq(lives.idempotencyKey, key));
    return row;
  },

  async updateStatus(
    db: Executor,
    id: string,
    status: LiveStatus,
    changes: {
      startedAt?: Date;
      endedAt?: Date;
      recordingUrl?: string;
      startedBy?: string | null;
      endedBy?: string | null;
    },
  ): Promise<LiveRow> {
    const [row] = await db
      .update(lives)
      .set({ status, ...changes, version: sql`nextval('live_version_seq')` })
      .where(eq(lives.id, id))
      .returning();
    if (!row) throw new Error(`live ${id} vanished inside its own transaction`);
    return row;
  },

  /** Newest first (see infra/pagination). */
  async page(db: Executor, options: { status?: LiveStatus; title?: string } & PageQuery): Promise<LiveRow[]> {
    const order = newestFirst(lives, options.after);
    return db
      .select()
      .from(lives)
      .where(
        and(
          options.status ? eq(lives.status, options.status) : undefined,
          // The title's own % and _ are matched literally.
          options.title ? ilike(lives.title, `%${options.title.replace(/[\\%_]/g, '\\$&')}%`) : undefined,
          order.after,
        ),
      )
      .orderBy(...order.orderBy)
      .limit(options.limit);
  },

  /** Changes after a version, oldest first: what a reconnecting subscriber missed. */
  async changedSince(db: Executor, version: number, id?: string, limit = 500): Promise<LiveRow[]> {
    return db
      .select()
      .from(lives)
      .where(and(gt(lives.version, version), id ? eq(lives.id, id) : undefined))
      .orderBy(asc(lives.version))
      .limit(limit);
  },

  /** ENDED lives that had started (were LIVE), ended since `endedSince`, in (endedAt, id) order. */
  async endedAfterLive(
    db: Executor,
    options: { endedSince: Date; after?: { endedAt: Date; id: string } | undefined; limit: number },
  ): Promise<LiveRow[]> {
    return db
      .select()
      .from(lives)
      .where(
        and(
          eq(lives.status, 'ENDED'),
          isNotNull(lives.startedAt),
          gte(lives.endedAt, options.endedSince),
          options.after
            ? sql`(${lives.endedAt}, ${lives.id}) > (${options.after.endedAt.toISOString()}, ${options.after.id})`
            : undefined,
        ),
      )
      .orderBy(asc(lives.endedAt), asc(lives.id))
      .limit(options.limit);
  },
};
