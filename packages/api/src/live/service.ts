import { tracked } from '@trpc/server';
import type { Logger } from 'pino';
import { z } from 'zod';
import { conflict, notFound } from '../errors';
import type { Database, Executor } from '../infra/db/client';
import type { Outbox } from '../infra/outbox/outbox';
import { decodeCursor, encodeCursor } from '../infra/pagination';
import { defineChannel, openFeed, type RealtimeHub } from '../infra/realtime';
import { emptyViewerStats, type ViewerStats } from '../viewers/schema';
import { liveEnded, liveStarted } from './events';
import {
  type CreateLiveInput,
  type ListLivesInput,
  type LiveSession,
  type LiveStatus,
  liveSessionSchema,
} from './schema';
import { type LiveAction, transition } from './state';
import { liveStore } from './store';
import type { LiveRow } from './tables';

/** How the live domain reads viewer counts without knowing how the viewers domain keeps them. */
export type ViewerStatsReader = (liveIds: string[]) => Promise<Map<string, ViewerStats>>;

export const noViewerStats: ViewerStatsReader = async () => new Map();

/** A committed change to a live, as broadcast to every server instance. */
const liveChanged = defineChannel('live.changed', z.object({ version: z.number().int(), session: liveSessionSchema }));

export interface LiveServiceDeps {
  db: Database;
  outbox: Outbox;
  realtime: RealtimeHub;
  logger: Logger;
  viewerStats?: ViewerStatsReader;
  now?: () => Date;
}

export class LiveService {
  private readonly db: Database;
  private readonly outbox: Outbox;
  private readonly realtime: RealtimeHub;
  private readonly logger: Logger;
  private readonly now: () => Date;
  viewerStats: ViewerStatsReader;

  constructor(deps: LiveServiceDeps) {
    this.db = deps.db;
    this.outbox = deps.outbox;
    this.realtime = deps.realtime;
    this.logger = deps.logger;
    this.viewerStats = deps.viewerStats ?? noViewerStats;
    this.now = deps.now ?? (() => new Date());
  }

  async create(input: CreateLiveInput): Promise<LiveSession> {
    const inserted = await liveStore.insert(this.db, {
      title: input.title,
      scheduledAt: input.scheduledAt ? new Date(input.scheduledAt) : null,
      createdAt: this.now(),
      idempotencyKey: input.idempotencyKey ?? null,
    });
    if (inserted) {
      const session = await this.toSession(inserted);
      await this.broadcast(inserted.version, session);
      return session;
    }
    // The idempotency key was used before: answer with the session it created.
    const existing = input.idempotencyKey
      ? await liveStore.findByIdempotencyKey(this.db, input.idempotencyKey)
      : undefined;
    if (!existing) throw new Error('insert skipped without an idempotency key');
    return this.toSession(existing);
  }

  start(id: string): Promise<LiveSession> {
    return this.apply(id, 'start');
  }

  end(id: string): Promise<LiveSession> {
    return this.apply(id, 'end');
  }

  async get(id: string): Promise<LiveSession> {
    const row = await liveStore.findById(this.db, id);
    if (!row) throw notFound('live', id);
    return this.toSession(row);
  }

  async list(input: ListLivesInput): Promise<{ items: LiveSession[]; nextCursor: string | null }> {
    const rows = await liveStore.page(this.db, {
      ...(input.status ? { status: input.status } : {}),
      limit: input.limit + 1,
      ...(input.cursor ? { after: decodeCursor(input.cursor) } : {}),
    });
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return {
      items: await this.toSessions(page),
      nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
    };
  }

  /**
   * Changes to one live (or to all), tracked by version. Subscribes first, then replays what the
   * client missed since `lastEventId`, then follows the live feed, skipping anything already sent.
   */
  async *updates(input: { id?: string | undefined; lastEventId?: string | null | undefined }, signal?: AbortSignal) {
    const feed = await openFeed(this.realtime, liveChanged, signal);
    try {
      const sent = new Map<string, number>();
      const after = parseVersion(input.lastEventId);
      if (after !== undefined) {
        for (const row of await liveStore.changedSince(this.db, after, input.id)) {
          sent.set(row.id, row.version);
          yield tracked(String(row.version), await this.toSession(row));
        }
      } else if (input.id) {
        // A client following one live starts from its current state.
        const row = await liveStore.findById(this.db, input.id);
        if (!row) throw notFound('live', input.id);
        sent.set(row.id, row.version);
        yield tracked(String(row.version), await this.toSession(row));
      }
      for await (const { version, session } of feed) {
        if (input.id && session.id !== input.id) continue;
        // Commits can be published out of order across lives, so "already sent" is per live.
        if ((sent.get(session.id) ?? -1) >= version) continue;
        sent.set(session.id, version);
        yield tracked(String(version), session);
      }
    } finally {
      feed.close();
    }
  }

  private async apply(id: string, action: LiveAction): Promise<LiveSession> {
    const now = this.now();
    const result = await this.db.transaction(async (tx) => {
      const current = await liveStore.findById(tx, id, true);
      if (!current) throw notFound('live', id);
      const decision = transition(current.status, action);
      if (decision.outcome === 'refused') throw conflict(`Cannot ${action} live ${id}: ${decision.reason}`);
      if (decision.outcome === 'unchanged') return { row: current, changed: false };
      const row = await liveStore.updateStatus(tx, id, decision.to, timestampsFor(decision.to, now));
      await this.appendEvents(tx, current.status, row);
      return { row, changed: true };
    });
    if (result.changed) this.outbox.committed();
    const session = await this.toSession(result.row);
    if (result.changed) await this.broadcast(result.row.version, session);
    return session;
  }

  /** Events written in the same transaction as the change. A cancelled live (never LIVE) emits no `live.ended`. */
  private async appendEvents(tx: Executor, from: LiveStatus, row: LiveRow) {
    if (row.status === 'LIVE' && row.startedAt) {
      await this.outbox.append(tx, liveStarted, {
        liveId: row.id,
        title: row.title,
        startedAt: row.startedAt.toISOString(),
      });
    }
    if (row.status === 'ENDED' && from === 'LIVE' && row.startedAt && row.endedAt) {
      await this.outbox.append(tx, liveEnded, {
        liveId: row.id,
        title: row.title,
        startedAt: row.startedAt.toISOString(),
        endedAt: row.endedAt.toISOString(),
      });
    }
  }

  /** Real-time delivery is best effort: the database is the truth and a reconnecting client catches up from it. */
  private async broadcast(version: number, session: LiveSession): Promise<void> {
    try {
      await this.realtime.publish(liveChanged, { version, session });
    } catch (error) {
      this.logger.warn(
        { err: error, liveId: session.id },
        'live change not broadcast; subscribers catch up on reconnect',
      );
    }
  }

  private async toSession(row: LiveRow): Promise<LiveSession> {
    const [session] = await this.toSessions([row]);
    if (!session) throw new Error('unreachable: one row in, one session out');
    return session;
  }

  private async toSessions(rows: LiveRow[]): Promise<LiveSession[]> {
    const stats = rows.length > 0 ? await this.viewerStats(rows.map((row) => row.id)) : new Map<string, ViewerStats>();
    const now = this.now();
    return rows.map((row) => ({
      id: row.id,
      title: row.title,
      status: row.status,
      scheduledAt: row.scheduledAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      endedAt: row.endedAt?.toISOString() ?? null,
      stats: stats.get(row.id) ?? emptyViewerStats(row.id, now),
    }));
  }
}

function timestampsFor(status: LiveStatus, now: Date): { startedAt?: Date; endedAt?: Date } {
  if (status === 'LIVE') return { startedAt: now };
  if (status === 'ENDED') return { endedAt: now };
  return {};
}

function parseVersion(lastEventId: string | null | undefined): number | undefined {
  if (!lastEventId || !/^\d{1,15}$/.test(lastEventId)) return undefined;
  return Number(lastEventId);
}
