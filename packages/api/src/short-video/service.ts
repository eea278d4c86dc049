import { tracked } from '@trpc/server';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { ConflictError, NotFoundError } from '../errors';
import { Batcher } from '../infra/batcher';
import type { Database } from '../infra/db/client';
import { type Page, readPage } from '../infra/pagination';
import { Feed, type RealtimeHub } from '../infra/realtime';
import { shortVideoUpdated } from './events';
import type { SimulatedFaults } from './faults';
import type { ShortVideoMedia } from './media/media';
import type { MediaStore } from './media/store';
import { type EndedLive, noViewerTimeline, type ViewerTimelineReader } from './ports';
import { type ShortVideoJobData, type ShortVideoJobPolicy, shortVideoJobName, shortVideoJobOptions } from './queue';
import type { ListShortVideosInput, ShortVideo, ShortVideoWithHistory } from './schema';
import { changesFrom, permittedFrom, type ShortVideoAction, targetOf, transition } from './state';
import { type ShortVideoChanges, type ShortVideoWrite, shortVideoStore } from './store';
import type { ShortVideoRow } from './tables';

export type ShortVideoQueue = Queue<ShortVideoJobData>;

export interface ShortVideoServiceDeps {
  db: Database;
  queue: ShortVideoQueue;
  realtime: RealtimeHub;
  logger: Logger;
  jobPolicy: ShortVideoJobPolicy;
  media: ShortVideoMedia;
  mediaStore: MediaStore;
  faults: SimulatedFaults;
  viewerTimeline?: ViewerTimelineReader;
  now?: () => Date;
}

/** What a producer or the reconciler did to make sure a video has a job that will run. */
export type JobRepair = 'present' | 'enqueued' | 'requeued' | 'failed';

/**
 * The short-video domain: creating a video when a live that was LIVE ends, the state changes the
 * worker and operators make (each through the state machine, as a compare-and-set), and reading and
 * following videos.
 */
export class ShortVideoService {
  private readonly db: Database;
  readonly queue: ShortVideoQueue;
  private readonly realtime: RealtimeHub;
  private readonly logger: Logger;
  private readonly jobPolicy: ShortVideoJobPolicy;
  /** Makes the clips and posters (the worker's side). */
  readonly media: ShortVideoMedia;
  /** Where published clips and posters are kept (the API serves them from it). */
  readonly mediaStore: MediaStore;
  /** The simulated stages' failure rate, which an operator may override at run time (demos). */
  readonly faults: SimulatedFaults;
  private readonly now: () => Date;
  /** `live.ended` events handled together share one insert and one enqueueing round trip. */
  private readonly creations = new Batcher<EndedLive, ShortVideoRow | undefined>((lives) => this.createVideos(lives));
  /** Where the highlight comes from; app.ts wires the viewers domain's reader. */
  viewerTimeline: ViewerTimelineReader;

  constructor(deps: ShortVideoServiceDeps) {
    this.db = deps.db;
    this.queue = deps.queue;
    this.realtime = deps.realtime;
    this.logger = deps.logger;
    this.jobPolicy = deps.jobPolicy;
    this.media = deps.media;
    this.mediaStore = deps.mediaStore;
    this.faults = deps.faults;
    this.viewerTimeline = deps.viewerTimeline ?? noViewerTimeline;
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Handles `live.ended` (and the reconciler's finding of a live without a video). Idempotent on the
   * live: the unique live_id makes a redelivery find the video already there, and the job's id (the
   * video's) makes enqueueing twice a no-op, so a crash between the insert and the enqueue is repaired
   * by the redelivery. Lives that end together (a consumer handles several events at once) are
   * inserted by one statement and enqueued by one round trip.
   */
  async onLiveEnded(live: EndedLive): Promise<{ video: ShortVideo; created: boolean }> {
    const inserted = await this.creations.run(live);
    if (inserted) return { video: toShortVideo(inserted), created: true };
    const existing = await shortVideoStore.findByLiveId(this.db, live.liveId);
    if (!existing) throw new Error(`short video of live ${live.liveId} neither inserted nor found`);
    if (existing.status === 'PENDING') await this.repairJob(existing);
    return { video: toShortVideo(existing), created: false };
  }

  /**
   * Inserts the videos of these lives (those that have none yet) and enqueues their jobs; returns,
   * for each live, the video this call inserted, or undefined (it already had one, or it appears
   * earlier in `lives`).
   */
  private async createVideos(lives: EndedLive[]): Promise<(ShortVideoRow | undefined)[]> {
    const createdAt = this.now();
    const rows = await shortVideoStore.insertMany(
      this.db,
      lives.map((live) => ({
        liveId: live.liveId,
        liveTitle: live.title,
        liveStartedAt: new Date(live.startedAt),
        liveEndedAt: new Date(live.endedAt),
        recordingUrl: live.recordingUrl ?? null,
        createdAt,
      })),
    );
    if (rows.length > 0) {
      for (const row of rows) this.broadcast(row);
      await this.queue.addBulk(
        rows.map((row) => ({
          name: shortVideoJobName,
          data: jobData(row),
          opts: shortVideoJobOptions(row.id, this.jobPolicy),
        })),
      );
    }
    const byLive = new Map(rows.map((row) => [row.liveId, row]));
    return lives.map((live) => {
      const row = byLive.get(live.liveId);
      byLive.delete(live.liveId);
      return row;
    });
  }

  /**
   * Makes sure a PENDING or PROCESSING video has a job that will run: adds it when the queue lost it
   * (Redis lost its data), re-runs a finished job the video still waits for (a retry that crashed
   * before re-enqueueing), and fails a PROCESSING video whose job failed without saying so (the
   * database was unreachable at the time). The worker asks too whenever a job ends failed: an operator
   * retry made while the job was still finishing found it active, and left the re-run to this.
   */
  async repairJob(row: Pick<ShortVideoRow, 'id'>): Promise<JobRepair> {
    const state = await this.queue.getJobState(row.id);
    // Read after the job's state: a job finishes only after the row has changed (READY or FAILED),
    // so a row still waiting behind a finished job is a real inconsistency, not a stale read.
    const current = await shortVideoStore.findById(this.db, row.id);
    if (current?.status !== 'PENDING' && current?.status !== 'PROCESSING') return 'present';
    if (state === 'unknown') {
      await this.queue.add(shortVideoJobName, jobData(current), shortVideoJobOptions(current.id, this.jobPolicy));
      return 'enqueued';
    }
    if (state === 'failed' && current.status === 'PROCESSING') {
      const job = await this.queue.getJob(current.id);
      await this.fail(current.id, job?.failedReason || 'its job failed');
      return 'failed';
    }
    if (state === 'failed' || state === 'completed') {
      const job = await this.queue.getJob(current.id);
      try {
        await job?.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
      } catch (error) {
        // Another instance re-ran it first; whatever state it is in now, it is no longer finished.
        if ((await this.queue.getJobState(current.id)) === state) throw error;
      }
      return 'requeued';
    }
    return 'present';
  }

  /** Which of these lives have a short video. */
  liveIdsWithVideo(liveIds: string[]): Promise<Set<string>> {
    return shortVideoStore.liveIdsWithVideo(this.db, liveIds);
  }

  /** PENDING and PROCESSING videos, in id order: those that must have a job. */
  unfinished(afterId: string | undefined, limit: number): Promise<ShortVideoRow[]> {
    return shortVideoStore.unfinished(this.db, { afterId, limit });
  }

  /** Operator retry: FAILED → PENDING with a fresh job (attempts, progress and outputs start over). */
  async retry(id: string, operator?: string): Promise<ShortVideo> {
    const { row } = await this.apply(id, 'retry', {
      set: {
        retriedBy: operator ?? null,
        progress: 0,
        stage: null,
        completedStages: [],
        attempts: 0,
        error: null,
        recording: null,
        highlight: null,
        videoUrl: null,
        thumbnailUrl: null,
        durationSec: null,
      },
    });
    this.logger.info({ shortVideoId: id, operator }, 'short video retried');
    try {
      await this.repairJob(row);
    } catch (error) {
      // The retry is committed: the reconciler enqueues the job once Redis answers again.
      this.logger.warn({ err: error, shortVideoId: id }, 'retried short video not enqueued yet; the reconciler will');
    }
    return toShortVideo(row);
  }

  /** The video and its history: every step of every run, so a reload or a retry forgets nothing. */
  async get(id: string): Promise<ShortVideoWithHistory> {
    const [row, steps] = await Promise.all([shortVideoStore.findById(this.db, id), shortVideoStore.steps(this.db, id)]);
    if (!row) throw new NotFoundError('short video', id);
    return {
      ...toShortVideo(row),
      history: steps.map((step) => ({
        at: step.at.toISOString(),
        status: step.status,
        stage: step.stage,
        progress: step.progress,
        attempt: step.attempt,
        error: step.error,
      })),
    };
  }

  async list(input: ListShortVideosInput): Promise<Page<ShortVideo>> {
    return readPage(
      input,
      (query) =>
        shortVideoStore.page(this.db, {
          ...(input.liveId ? { liveId: input.liveId } : {}),
          ...(input.status ? { status: input.status } : {}),
          ...query,
        }),
      (rows) => rows.map(toShortVideo),
    );
  }

  /**
   * Changes to the videos of one live (or of all), progress included, tracked by version. Subscribes
   * first, then replays what the client missed since `lastEventId`, then follows the feed, skipping
   * anything already sent.
   */
  async *updates(
    input: { liveId?: string | undefined; lastEventId?: string | null | undefined },
    signal?: AbortSignal,
  ) {
    const feed = new Feed<{ version: number; video: ShortVideo }>(signal, { all: 1_000 });
    feed.unlisten = await this.realtime.listen(shortVideoUpdated, (update) => feed.push(update));
    try {
      const sent = new Map<string, number>();
      const after = parseVersion(input.lastEventId);
      if (after !== undefined) {
        for (const row of await shortVideoStore.changedSince(this.db, after, input.liveId)) {
          sent.set(row.id, row.version);
          yield tracked(String(row.version), toShortVideo(row));
        }
      } else if (input.liveId) {
        // A client following one live starts from its video's current state, if it has one yet.
        const row = await shortVideoStore.findByLiveId(this.db, input.liveId);
        if (row) {
          sent.set(row.id, row.version);
          yield tracked(String(row.version), toShortVideo(row));
        }
      }
      for await (const { version, video } of feed) {
        if (input.liveId && video.liveId !== input.liveId) continue;
        // Commits of concurrent workers can be published out of order, so "already sent" is per video.
        if ((sent.get(video.id) ?? -1) >= version) continue;
        sent.set(video.id, version);
        yield tracked(String(version), video);
      }
    } finally {
      feed.close();
    }
  }

  // The worker's side: every change is guarded by the state machine and broadcast once committed.

  /**
   * Starts an attempt: PENDING → PROCESSING, or resumes a PROCESSING video (a retried or recovered
   * job), recording the attempt. READY and FAILED are refused: there is nothing for the job to do.
   */
  async beginAttempt(id: string, attempt: number, firstStage: string): Promise<ShortVideoRow> {
    const { row } = await this.apply(id, 'start', {
      statuses: permittedFrom('start'),
      set: { attempts: attempt },
      stageUnlessSet: firstStage,
    });
    return row;
  }

  /**
   * Records finished stages with their outputs, the progress and the next stage, once: if another
   * run already recorded any of them, nothing matches. The last stage completes the video
   * (PROCESSING → READY) in the same write. Returns the row as it is, and whether this call recorded.
   */
  async recordStages(
    id: string,
    stages: string[],
    done: { progress: number; next: string | null; outputs: ShortVideoChanges },
  ): Promise<{ recorded: boolean; row: ShortVideoRow }> {
    const last = done.next === null;
    const row = await this.write(id, {
      statuses: last ? changesFrom('complete') : ['PROCESSING'],
      unlessStagesDone: stages,
      appendStages: stages,
      set: {
        ...done.outputs,
        progress: done.progress,
        stage: done.next,
        ...(last ? { status: 'READY' as const, error: null } : {}),
      },
    });
    if (row) {
      if (last) this.logger.info({ shortVideoId: id, liveId: row.liveId }, 'short video READY');
      this.broadcast(row);
      return { recorded: true, row };
    }
    const current = await shortVideoStore.findById(this.db, id);
    if (!current) throw new NotFoundError('short video', id);
    return { recorded: false, row: current };
  }

  /** Progress within a long stage (a render), shown while the video stays PROCESSING. */
  async recordProgress(id: string, progress: number): Promise<void> {
    const row = await this.write(id, { statuses: ['PROCESSING'], set: { progress } });
    if (row) this.broadcast(row);
  }

  /** A failed attempt that will be retried: the error is shown while the video stays PROCESSING. */
  async recordAttemptError(id: string, error: string): Promise<void> {
    const row = await this.write(id, { statuses: ['PROCESSING'], set: { error } });
    if (row) this.broadcast(row);
  }

  /** The last attempt failed, or the input can never succeed: PROCESSING → FAILED. */
  async fail(id: string, error: string): Promise<ShortVideoRow> {
    const { row, changed } = await this.apply(id, 'fail', { set: { error } });
    if (changed) this.logger.info({ shortVideoId: id, liveId: row.liveId, error }, 'short video FAILED');
    return row;
  }

  /**
   * Applies `action` as a compare-and-set on the statuses it may apply from (by default those it moves
   * from). When nothing matched, the current status decides: the action already took effect
   * (unchanged), or it is refused, which is an error (CONFLICT), never a silent write.
   */
  private async apply(
    id: string,
    action: ShortVideoAction,
    write: Omit<ShortVideoWrite, 'statuses'> & Partial<Pick<ShortVideoWrite, 'statuses'>>,
  ): Promise<{ row: ShortVideoRow; changed: boolean }> {
    const row = await this.write(id, {
      ...write,
      statuses: write.statuses ?? changesFrom(action),
      set: { ...write.set, status: targetOf(action) },
    });
    if (row) {
      this.broadcast(row);
      return { row, changed: true };
    }
    const current = await shortVideoStore.findById(this.db, id);
    if (!current) throw new NotFoundError('short video', id);
    const decision = transition(current.status, action);
    if (decision.outcome === 'refused')
      throw new ConflictError(`Cannot ${action} short video ${id}: ${decision.reason}`);
    if (decision.outcome === 'changed')
      throw new ConflictError(`Cannot ${action} short video ${id}: it changed concurrently`);
    return { row: current, changed: false };
  }

  /** A compare-and-set write; the updated row, or undefined when its guard did not match. */
  private write(id: string, write: ShortVideoWrite): Promise<ShortVideoRow | undefined> {
    return shortVideoStore.update(this.db, id, write, this.now());
  }

  /**
   * Publishes a committed change without waiting for Redis: delivery is best effort (the database is
   * the truth and a reconnecting client catches up from it), publishes of one connection keep their
   * order, and a worker's job should not wait a round trip per write for its watchers.
   */
  private broadcast(row: ShortVideoRow): ShortVideo {
    const video = toShortVideo(row);
    this.realtime.publish(shortVideoUpdated, { version: row.version, video }).catch((error: unknown) => {
      this.logger.warn({ err: error, shortVideoId: row.id }, 'short video change not broadcast; subscribers catch up');
    });
    return video;
  }
}

export function toShortVideo(row: ShortVideoRow): ShortVideo {
  return {
    id: row.id,
    liveId: row.liveId,
    liveTitle: row.liveTitle,
    status: row.status,
    progress: row.progress,
    stage: row.stage,
    attempts: row.attempts,
    error: row.error,
    highlight: row.highlight ?? null,
    videoUrl: row.videoUrl,
    thumbnailUrl: row.thumbnailUrl,
    durationSec: row.durationSec,
    retriedBy: row.retriedBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const jobData = (row: ShortVideoRow): ShortVideoJobData => ({ shortVideoId: row.id, liveId: row.liveId });

function parseVersion(lastEventId: string | null | undefined): number | undefined {
  if (!lastEventId || !/^\d{1,15}$/.test(lastEventId)) return undefined;
  return Number(lastEventId);
}
