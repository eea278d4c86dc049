import { tracked } from '@trpc/server';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../errors';
import type { Database, Executor } from '../infra/db/client';
import type { EventPayload } from '../infra/events';
import type { Outbox } from '../infra/outbox/outbox';
import { type Page, readPage } from '../infra/pagination';
import { defineChannel, Feed, type RealtimeHub } from '../infra/realtime';
import { isRedisUnavailable } from '../infra/redis';
import { emptyViewerStats, type ViewerStats } from '../viewers/schema';
import { isNewer, nothingSeen, type StatsOrder, statsOrderId } from '../viewers/stats-order';
import { liveEnded, liveStarted } from './events';
import {
  type CreateLiveInput,
  type ListLivesInput,
  type LiveSession,
  type LiveStatus,
  liveSessionSchema,
} from './schema';
import { type LiveAction, transition } from './state';
import type { LiveStatusMirror } from './status-mirror';
import { liveStore } from './store';
import type { LiveRow } from './tables';

/** How the live domain reads viewer counts without knowing how the viewers domain keeps them. */
export type ViewerStatsReader = (liveIds: string[]) => Promise<Map<string, ViewerStats>>;

export interface VersionedViewerStats extends StatsOrder {
  stats: ViewerStats;
}

/** Follows every live's viewer counts; resolves once listening, with the function that stops it. */
export type ViewerStatsWatcher = (listener: (update: VersionedViewerStats) => void) => Promise<() => void>;

/** A committed change to a live, as broadcast to every server instance. */
const liveChanged = defineChannel('live.changed', z.object({ version: z.number().int(), session: liveSessionSchema }));

export interface LiveServiceDeps {
  db: Database;
  outbox: Outbox;
  statusMirror: LiveStatusMirror;
  realtime: RealtimeHub;
  logger: Logger;
  /** The viewers domain's counts, read through these ports only. */
  viewerStats: ViewerStatsReader;
  watchViewerStats: ViewerStatsWatcher;
  now?: () => Date;
}

export class LiveService {
  private readonly db: Database;
  private readonly outbox: Outbox;
  private readonly statusMirror: LiveStatusMirror;
  private readonly realtime: RealtimeHub;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly viewerStats: ViewerStatsReader;
  private readonly watchViewerStats: ViewerStatsWatcher;

  constructor(deps: LiveServiceDeps) {
    this.db = deps.db;
    this.outbox = deps.outbox;
    this.statusMirror = deps.statusMirror;
    this.realtime = deps.realtime;
    this.logger = deps.logger;
    this.viewerStats = deps.viewerStats;
    this.watchViewerStats = deps.watchViewerStats;
    this.now = deps.now ?? (() => new Date());
  }

  /** `operator` names who asked (recorded on the live and logged). */
  async create(input: CreateLiveInput, operator?: string): Promise<LiveSession> {
    const inserted = await liveStore.insert(this.db, {
      title: input.title,
      scheduledAt: input.scheduledAt ? new Date(input.scheduledAt) : null,
      createdAt: this.now(),
      createdBy: operator ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      recordingUrl: input.recordingUrl ?? null,
    });
    if (inserted) {
      this.logger.info({ liveId: inserted.id, title: inserted.title, operator }, 'live created');
      const session = await this.toSession(inserted, 'if-available');
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

  start(id: string, operator?: string): Promise<LiveSession> {
    return this.apply(id, 'start', operator);
  }

  /** Ends a live; `recordingUrl` names (or replaces) its recording, for its short video. */
  end(id: string, options: { recordingUrl?: string | undefined } = {}, operator?: string): Promise<LiveSession> {
    return this.apply(id, 'end', operator, options.recordingUrl);
  }

  async get(id: string): Promise<LiveSession> {
    const row = await liveStore.findById(this.db, id);
    if (!row) throw new NotFoundError('live', id);
    return this.toSession(row);
  }

  async list(input: ListLivesInput): Promise<Page<LiveSession>> {
    return readPage(
      input,
      (query) =>
        liveStore.page(this.db, {
          ...(input.status ? { status: input.status } : {}),
          ...(input.title ? { title: input.title } : {}),
          ...query,
        }),
      (rows) => this.toSessions(rows),
    );
  }

  /**
   * Changes to one live (or to all), viewer counts included, tracked as `<live version>.<stats
   * epoch>-<stats version>`. Subscribes first, then sends what the client missed (a followed live's
   * current state; for all lives, those changed since `lastEventId` and those on air, whose counts
   * moved meanwhile), then follows both feeds, never sending anything older than what was sent.
   */
  async *updates(input: { id?: string | undefined; lastEventId?: string | null | undefined }, signal?: AbortSignal) {
    type Change =
      | { kind: 'live'; version: number; session: LiveSession }
      | { kind: 'stats'; update: VersionedViewerStats };
    const feed = new Feed<Change>(signal, { all: 1_000 });
    const stopLives = await this.realtime.listen(liveChanged, (change) => feed.push({ kind: 'live', ...change }));
    const stopStats = await this.watchViewerStats((update) => feed.push({ kind: 'stats', update })).catch(
      (error: unknown) => {
        stopLives();
        throw error;
      },
    );
    feed.unlisten = () => {
      stopLives();
      stopStats();
    };
    try {
      const sent = new Map<string, { version: number; stats: StatsOrder; session: LiveSession }>();
      const emit = (version: number, stats: StatsOrder, session: LiveSession) => {
        sent.set(session.id, { version, stats, session });
        return tracked(`${version}.${statsOrderId(stats)}`, session);
      };
      for (const row of await this.missed(input)) yield emit(row.version, nothingSeen, await this.toSession(row));

      for await (const change of feed) {
        if (change.kind === 'live') {
          const { version, session } = change;
          if (input.id && session.id !== input.id) continue;
          // Commits can be published out of order across lives, so "already sent" is per live.
          const previous = sent.get(session.id);
          if (previous && previous.version >= version) continue;
          yield emit(version, previous?.stats ?? nothingSeen, session);
          continue;
        }
        const { liveId } = change.update.stats;
        if (input.id && liveId !== input.id) continue;
        let previous = sent.get(liveId);
        if (!previous) {
          const row = await liveStore.findById(this.db, liveId);
          if (!row) continue;
          previous = { version: row.version, stats: nothingSeen, session: await this.toSession(row) };
        }
        if (!isNewer(change.update, previous.stats)) continue;
        yield emit(previous.version, change.update, { ...previous.session, stats: change.update.stats });
      }
    } finally {
      feed.close();
    }
  }

  private async missed(input: {
    id?: string | undefined;
    lastEventId?: string | null | undefined;
  }): Promise<LiveRow[]> {
    if (input.id) {
      const row = await liveStore.findById(this.db, input.id);
      if (!row) throw new NotFoundError('live', input.id);
      return [row];
    }
    const after = parseVersion(input.lastEventId);
    if (after === undefined) return [];
    const changed = await liveStore.changedSince(this.db, after);
    const onAir = await liveStore.page(this.db, { status: 'LIVE', limit: 100 });
    const seen = new Set(changed.map((row) => row.id));
    return [...changed, ...onAir.filter((row) => !seen.has(row.id))];
  }

  /**
   * Lives that were LIVE and have ended since `endedSince`, as their `live.ended` events announced
   * them (oldest end first, keyset-paginated): what the short-video reconciler checks for lost events.
   */
  async endedLives(query: {
    endedSince: Date;
    after?: { endedAt: string; liveId: string } | undefined;
    limit: number;
  }): Promise<EventPayload<typeof liveEnded>[]> {
    const rows = await liveStore.endedAfterLive(this.db, {
      endedSince: query.endedSince,
      after: query.after ? { endedAt: new Date(query.after.endedAt), id: query.after.liveId } : undefined,
      limit: query.limit,
    });
    return rows.flatMap((row) =>
      row.startedAt && row.endedAt
        ? [
            {
              liveId: row.id,
              title: row.title,
              startedAt: row.startedAt.toISOString(),
              endedAt: row.endedAt.toISOString(),
              recordingUrl: row.recordingUrl,
            },
          ]
        : [],
    );
  }

  /** The status of a live for the viewers domain, refreshing the Redis mirror it reads. */
  async statusForViewers(id: string): Promise<LiveStatus | undefined> {
    const row = await liveStore.findById(this.db, id);
    if (row) await this.statusMirror.advance(id, row.status);
    return row?.status;
  }

  /** On `live.started` and `live.ended`: the mirror catches up with a transition it may have missed. */
  async mirrorStatus(id: string, status: LiveStatus): Promise<void> {
    await this.statusMirror.advance(id, status);
  }

  private async apply(id: string, action: LiveAction, operator?: string, recordingUrl?: string): Promise<LiveSession> {
    const now = this.now();
    const result = await this.db.transaction(async (tx) => {
      const current = await liveStore.findById(tx, id, true);
      if (!current) throw new NotFoundError('live', id);
      const decision = transition(current.status, action);
      if (decision.outcome === 'refused') throw new ConflictError(`Cannot ${action} live ${id}: ${decision.reason}`);
      if (decision.outcome === 'unchanged') return { row: current, changed: false };
      const by = decision.to === 'LIVE' ? { startedBy: operator ?? null } : { endedBy: operator ?? null };
      const row = await liveStore.updateStatus(tx, id, decision.to, {
        ...timestampsFor(decision.to, now),
        ...by,
        ...(recordingUrl ? { recordingUrl } : {}),
      });
      await this.appendEvents(tx, current.status, row);
      return { row, changed: true };
    });
    // Mirror before announcing, so the viewers' scripts refuse joins after the end before anyone
    // hears of it; repeated even when unchanged, so a retried start or end repairs a failed write.
    // With Redis away the transition still stands: its event, relayed once Redis answers, repairs it.
    await this.statusMirror.advance(id, result.row.status).catch((error: unknown) => {
      this.logger.error({ err: error, liveId: id, status: result.row.status }, 'live status not mirrored to Redis yet');
    });
    if (result.changed) {
      this.outbox.committed();
      const what = result.row.status === 'LIVE' ? 'started' : result.row.startedAt ? 'ended' : 'cancelled';
      this.logger.info({ liveId: id, title: result.row.title, operator }, `live ${what}`);
    }
    const session = await this.toSession(result.row, 'if-available');
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
        recordingUrl: row.recordingUrl,
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

  private async toSession(row: LiveRow, stats: 'required' | 'if-available' = 'required'): Promise<LiveSession> {
    const [session] = await this.toSessions([row], stats);
    if (!session) throw new Error('unreachable: one row in, one session out');
    return session;
  }

  /**
   * A mutation has committed before its answer is built: if Redis is down then, the answer goes out
   * with empty viewer stats ('if-available') rather than as an error that would invite a duplicate
   * retry. Reads ('required') fail with a retryable 503 instead of showing made-up zeros.
   */
  private async toSessions(
    rows: LiveRow[],
    required: 'required' | 'if-available' = 'required',
  ): Promise<LiveSession[]> {
    const stats = await this.readViewerStats(
      rows.map((row) => row.id),
      required,
    );
    const now = this.now();
    return rows.map((row) => ({
      id: row.id,
      title: row.title,
      status: row.status,
      scheduledAt: row.scheduledAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      endedAt: row.endedAt?.toISOString() ?? null,
      recordingUrl: row.recordingUrl,
      createdBy: row.createdBy,
      startedBy: row.startedBy,
      endedBy: row.endedBy,
      stats: stats.get(row.id) ?? emptyViewerStats(row.id, now),
    }));
  }

  private async readViewerStats(
    liveIds: string[],
    required: 'required' | 'if-available',
  ): Promise<Map<string, ViewerStats>> {
    if (liveIds.length === 0) return new Map();
    try {
      return await this.viewerStats(liveIds);
    } catch (error) {
      if (required === 'required' || !isRedisUnavailable(error)) throw error;
      this.logger.warn({ err: error }, 'viewer stats unavailable; answering with empty stats');
      return new Map();
    }
  }
}

function timestampsFor(status: LiveStatus, now: Date): { startedAt?: Date; endedAt?: Date } {
  if (status === 'LIVE') return { startedAt: now };
  if (status === 'ENDED') return { endedAt: now };
  return {};
}

/** The live version of a tracked id `<live version>.<stats epoch>-<stats version>`. */
function parseVersion(lastEventId: string | null | undefined): number | undefined {
  const match = lastEventId ? /^(\d{1,15})(\.\d{1,15}-\d{1,15})?$/.exec(lastEventId) : null;
  return match ? Number(match[1]) : undefined;
}
