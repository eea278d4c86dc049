import { eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { ConflictError, NotFoundError } from '../errors';
import type { Database } from '../infra/db/client';
import { type StatsFanout, type StatsPublisher, StatsStream } from './fanout';
import type { ViewerCredentials, ViewerIdentity } from './identity';
import type { PresenceStore, VersionedStats } from './presence';
import { emptyViewerStats, type ViewerStats } from './schema';
import { type TimelinePoint, viewerSummaries } from './tables';

/**
 * How the viewers domain learns a live's status when Redis has no mirror of it (first use, or
 * Redis lost its data); the live domain answers and refreshes its mirror.
 */
export type LiveStatusSource = (liveId: string) => Promise<string | undefined>;

export interface ViewerServiceDeps {
  db: Database;
  presence: PresenceStore;
  publisher: StatsPublisher;
  fanout: StatsFanout;
  liveStatus: LiveStatusSource;
  /** Who a caller's presence call is for (tokens, guests, open ids). */
  identity: ViewerIdentity;
  logger: Logger;
  registry: Registry;
  /** How long a live's Redis keys outlive its end (its summary is in the database by then). */
  keepAfterEndMs?: number;
}

export class ViewerService {
  private readonly presence: PresenceStore;
  private readonly publisher: StatsPublisher;
  private readonly db: Database;
  private readonly liveStatus: LiveStatusSource;
  private readonly identity: ViewerIdentity;
  private readonly logger: Logger;
  private readonly keepAfterEndMs: number;
  readonly fanout: StatsFanout;
  private readonly counters: Record<'joins' | 'leaves' | 'expiries', Counter>;
  /** Ids that named no live a moment ago: a flood of joins to made-up ids costs no query. */
  private readonly unknownLives = new NegativeCache(10_000, 10_000);

  /** Read by every short-video job: prepared, so one round trip (postgres.js describes unprepared queries first). */
  private readonly frozenTimeline;

  constructor(deps: ViewerServiceDeps) {
    this.frozenTimeline = deps.db
      .select({ timeline: viewerSummaries.timeline })
      .from(viewerSummaries)
      .where(eq(viewerSummaries.liveId, sql.placeholder('liveId')))
      .prepare('viewer_summary_timeline');
    this.presence = deps.presence;
    this.publisher = deps.publisher;
    this.fanout = deps.fanout;
    this.db = deps.db;
    this.liveStatus = deps.liveStatus;
    this.identity = deps.identity;
    this.logger = deps.logger;
    this.keepAfterEndMs = deps.keepAfterEndMs ?? 3_600_000;
    const counter = (name: string, help: string) => new Counter({ name, help, registers: [deps.registry] });
    this.counters = {
      joins: counter('onair_viewer_joins_total', 'Viewers that became present (joins and re-joins)'),
      leaves: counter('onair_viewer_leaves_total', 'Viewers that left'),
      expiries: counter('onair_viewer_expiries_total', 'Viewers removed by the sweeper after missing heartbeats'),
    };
  }

  /**
   * A caller's join: the viewer its token names (or, in open mode, its bare id), or a guest minted
   * within the client address's budget, whose token comes back with the answer. Identity is checked
   * before anything is touched, so a refused call changes nothing.
   */
  async joinAs(
    credentials: ViewerCredentials,
    clientAddress: string,
  ): Promise<{ joined: boolean; stats: ViewerStats; viewerToken?: string }> {
    const { viewerId, viewerToken } = await this.identity.forJoin(credentials, clientAddress);
    const result = await this.join(credentials.liveId, viewerId);
    return viewerToken ? { ...result, viewerToken } : result;
  }

  async heartbeatAs(credentials: ViewerCredentials): Promise<{ stats: ViewerStats }> {
    return this.heartbeat(credentials.liveId, await this.identity.forPresence(credentials));
  }

  async leaveAs(credentials: ViewerCredentials): Promise<{ left: boolean; stats: ViewerStats }> {
    return this.leave(credentials.liveId, await this.identity.forPresence(credentials));
  }

  /** A join the server itself vouches for (its demo audiences): no identity check. */
  async join(liveId: string, viewerId: string): Promise<{ joined: boolean; stats: ViewerStats }> {
    this.unknownLives.check(liveId);
    let result = await this.presence.join(liveId, viewerId);
    if (result.outcome === 'unknown-live') {
      await this.requireLive(liveId);
      result = await this.presence.join(liveId, viewerId);
    }
    if (result.outcome !== 'ok') throw notLive(liveId, result.outcome === 'not-live' ? result.status : 'unknown');
    if (result.changed) this.changed(result.current, 'joins');
    return { joined: result.changed, stats: result.current.stats };
  }

  async heartbeat(liveId: string, viewerId: string): Promise<{ stats: ViewerStats }> {
    this.unknownLives.check(liveId);
    let result = await this.presence.heartbeat(liveId, viewerId);
    if (result.outcome === 'unknown-live') {
      await this.requireLive(liveId);
      result = await this.presence.heartbeat(liveId, viewerId);
    }
    // An expired viewer that is still watching comes back.
    if (result.outcome === 'absent') return { stats: (await this.join(liveId, viewerId)).stats };
    if (result.outcome !== 'ok') throw notLive(liveId, result.outcome === 'not-live' ? result.status : 'unknown');
    return { stats: result.current.stats };
  }

  async leave(liveId: string, viewerId: string): Promise<{ left: boolean; stats: ViewerStats }> {
    const { left, current } = await this.presence.leave(liveId, viewerId);
    if (left) this.changed(current, 'leaves');
    return { left, stats: left || current.version > 0 ? current.stats : await this.stats(liveId) };
  }

  async stats(liveId: string): Promise<ViewerStats> {
    return (await this.current(liveId)).stats;
  }

  /** Versioned stats of one live: Redis while it has presence data, else its frozen summary, else zeros. */
  async current(liveId: string): Promise<VersionedStats> {
    const live = await this.presence.read([liveId]);
    const found = live.get(liveId);
    if (found) return found;
    const [summary] = await this.db.select().from(viewerSummaries).where(eq(viewerSummaries.liveId, liveId));
    if (summary) return { epoch: 0, version: 0, stats: summaryStats(summary) };
    if (!(await this.liveStatus(liveId))) throw new NotFoundError('live', liveId);
    return { epoch: 0, version: 0, stats: emptyViewerStats(liveId, new Date()) };
  }

  /** Stats of many lives at once (the live domain's lists), without failing on unknown ids. */
  async statsOf(liveIds: string[]): Promise<Map<string, ViewerStats>> {
    const live = await this.presence.read(liveIds);
    const result = new Map<string, ViewerStats>();
    for (const [liveId, current] of live) result.set(liveId, current.stats);
    const missing = liveIds.filter((liveId) => !result.has(liveId));
    if (missing.length > 0) {
      const summaries = await this.db.select().from(viewerSummaries).where(inArray(viewerSummaries.liveId, missing));
      for (const summary of summaries) result.set(summary.liveId, summaryStats(summary));
    }
    return result;
  }

  /** The audience curve: frozen in the database after the end, in Redis before. */
  async timeline(liveId: string): Promise<TimelinePoint[]> {
    const [summary] = await this.frozenTimeline.execute({ liveId });
    return summary?.timeline ?? this.presence.timeline(liveId);
  }

  /** The stats of one live as tracked events: the current snapshot first, then each change. */
  updates(liveId: string, signal?: AbortSignal): StatsStream {
    return new StatsStream(liveId, this.fanout, signal);
  }

  /** Removes silent viewers from every live that has any. Safe to run on every instance at once. */
  async sweep(ttlMs: number): Promise<number> {
    let removedTotal = 0;
    for (const { liveId, score } of await this.presence.activeLives()) {
      const { removed, remaining, current } = await this.presence.sweep(liveId, ttlMs, 1_000);
      removedTotal += removed;
      if (current) this.changed(current, 'expiries', removed);
      if (remaining === 0) {
        // A sharded live's curve gets its last point (no viewers) before the aggregator stops
        // sampling it: it samples active lives only.
        const sampled = await this.presence.aggregate(liveId);
        if (sampled) this.publisher.changed(sampled);
        await this.presence.deactivate(liveId, score);
      }
    }
    return removedTotal;
  }

  /**
   * On `live.ended`: freeze peak, unique and the timeline into the database, zero the audience and
   * let the Redis keys expire. Idempotent: a redelivered event finds the summary already written.
   */
  async freeze(liveId: string): Promise<void> {
    // A sharded live's last sample, so its frozen peak and curve include its final audience.
    await this.presence.aggregate(liveId);
    const [current, timeline] = await Promise.all([this.presence.read([liveId]), this.presence.timeline(liveId)]);
    const stats = current.get(liveId)?.stats ?? emptyViewerStats(liveId, new Date());
    await this.db
      .insert(viewerSummaries)
      .values({ liveId, peak: stats.peak, unique: stats.unique, timeline, frozenAt: new Date() })
      .onConflictDoNothing({ target: viewerSummaries.liveId });
    const closed = await this.presence.close(liveId, this.keepAfterEndMs);
    if (closed) this.publisher.changed(closed);
  }

  private changed(current: VersionedStats, counter: 'joins' | 'leaves' | 'expiries', by = 1): void {
    this.counters[counter].inc(by);
    this.publisher.changed(current);
  }

  /** Status unknown to Redis: ask the live domain (which refreshes the mirror) or refuse. */
  private async requireLive(liveId: string): Promise<void> {
    const status = await this.liveStatus(liveId);
    if (!status) {
      this.unknownLives.add(liveId);
      throw new NotFoundError('live', liveId);
    }
    if (status !== 'LIVE') throw notLive(liveId, status);
    this.logger.debug({ liveId }, 'live status mirror refreshed');
  }
}

/** Ids known not to exist, each for `ttlMs`, at most `capacity` of them (the oldest go first). */
class NegativeCache {
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
  ) {}

  add(id: string): void {
    this.expiries.delete(id);
    this.expiries.set(id, Date.now() + this.ttlMs);
    if (this.expiries.size > this.capacity) this.expiries.delete(this.expiries.keys().next().value as string);
  }

  /** Throws NOT_FOUND for an id known not to exist. */
  check(id: string): void {
    const expiry = this.expiries.get(id);
    if (expiry === undefined) return;
    if (expiry > Date.now()) throw new NotFoundError('live', id);
    this.expiries.delete(id);
  }
}

function notLive(liveId: string, status: string) {
  return new ConflictError(`Live ${liveId} is ${status}, not LIVE: viewers can only join a live that is on air`);
}

function summaryStats(summary: typeof viewerSummaries.$inferSelect): ViewerStats {
  return {
    liveId: summary.liveId,
    current: 0,
    peak: summary.peak,
    unique: summary.unique,
    updatedAt: summary.frozenAt.toISOString(),
  };
}
