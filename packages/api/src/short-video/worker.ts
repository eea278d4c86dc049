import { setTimeout as sleep } from 'node:timers/promises';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { ConflictError, NotFoundError } from '../errors';
import type { RedisClient } from '../infra/redis';
import type { SimulatedFaults } from './faults';
import type { ShortVideoMetrics } from './metrics';
import { shortVideoJobSchema, shortVideoQueueName, stalledJobSettings } from './queue';
import type { ShortVideoService } from './service';
import { shortVideoStages } from './stages';
import { toCurve } from './stages/detect-highlight';
import {
  InvalidInputError,
  type ShortVideoStageName,
  type Stage,
  type StageContext,
  type StageOutputs,
} from './stages/stage';
import type { ShortVideoRow } from './tables';

export interface ShortVideoProcessorDeps {
  service: ShortVideoService;
  /** Simulated duration of each stage (SHORT_VIDEO_STAGE_MS). */
  stageMs: number;
  /** Probability that a stage fails with a transient error (SHORT_VIDEO_FAILURE_RATE or its override). */
  faults: SimulatedFaults;
  metrics: ShortVideoMetrics;
  logger: Logger;
  random?: () => number;
}

/** What a completed job returns (shown by Bull Board). */
export interface ShortVideoJobResult {
  status: 'READY';
  videoUrl: string | null;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const firstStage = (shortVideoStages[0] as Stage).name;

/**
 * Without media work (SHORT_VIDEO_MEDIA=off), stages that end closer together than this are recorded
 * together, in one write: instant stages would otherwise spend a database commit each on progress
 * nobody can see move (a job then costs two writes, not five). With media, every stage is recorded
 * as it ends.
 */
const recordEveryMs = 25;

/**
 * The processor: a plain async function of a job. It runs the stages the video has not done yet
 * (a retried or recovered job resumes where the last run stopped), recording each stage once with its
 * outputs and progress. Retries and backoff are the job's options: the processor only decides, when
 * an attempt fails, whether it was the last (FAILED) or not (the error shows while it is retried).
 */
export function createShortVideoProcessor(deps: ShortVideoProcessorDeps) {
  const { service, metrics, logger } = deps;
  const random = deps.random ?? Math.random;

  async function runStage(stage: Stage, context: StageContext, failureRate: number, signal: AbortSignal | undefined) {
    if (deps.stageMs > 0) await sleep(deps.stageMs, undefined, signal ? { signal } : {});
    if (failureRate > 0 && random() < failureRate) {
      throw new Error(`${stage.name} failed (simulated fault, failure rate ${failureRate})`);
    }
    return stage.run(context);
  }

  // Three parameters: BullMQ passes the abort signal only to a processor that declares it.
  return async function processShortVideo(
    job: Job<unknown, ShortVideoJobResult>,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ShortVideoJobResult> {
    const id = job.id ?? '';
    if (!uuidPattern.test(id)) throw new UnrecoverableError(`job ${id} does not name a short video`);
    const payload = shortVideoJobSchema.safeParse(job.data);
    // The audience curve of an ended live no longer changes: read it while the attempt starts.
    const timeline = payload.success ? service.viewerTimeline(payload.data.liveId) : undefined;
    // Handled here too, so a read that fails while the attempt is refused is no unhandled rejection.
    timeline?.catch(() => {});
    const failureRate = deps.faults.rate();
    let video: ShortVideoRow;
    try {
      video = await service.beginAttempt(id, job.attemptsStarted, firstStage);
    } catch (error) {
      // No such video, or one that is READY or FAILED: no attempt can change that.
      if (error instanceof NotFoundError || error instanceof ConflictError) {
        throw new UnrecoverableError(error.message);
      }
      throw error;
    }

    try {
      if (!timeline || !payload.success || payload.data.shortVideoId !== id || payload.data.liveId !== video.liveId) {
        throw new InvalidInputError(`job payload ${JSON.stringify(job.data)} does not describe short video ${id}`);
      }
      const startedAt = video.liveStartedAt;
      const liveSec = (video.liveEndedAt.getTime() - startedAt.getTime()) / 1000;
      const audience = async () =>
        toCurve(await timeline, startedAt, liveSec).map((step) => ({ fromSec: step.at, count: step.count }));
      const context = { timeline: () => timeline, audience, media: service.media, signal };
      // Stages run but not recorded yet (see recordEveryMs), and what they produced.
      let unrecorded: { stages: ShortVideoStageName[]; outputs: StageOutputs } = { stages: [], outputs: {} };
      let recordedAt = performance.now();
      for (;;) {
        const index = shortVideoStages.findIndex(
          (stage) => !video.completedStages.includes(stage.name) && !unrecorded.stages.includes(stage.name),
        );
        const stage = shortVideoStages[index];
        if (!stage) break;
        const stopTimer = metrics.stageDuration.startTimer({ stage: stage.name });
        let outputs: StageOutputs;
        try {
          const progress = stageProgress(job, id, index);
          const stageContext = { ...context, progress: progress.report, video: { ...video, ...unrecorded.outputs } };
          try {
            outputs = await runStage(stage, stageContext, await failureRate, signal);
          } finally {
            // Its last progress lands before the stage's record, so progress never goes back.
            await progress.settled();
          }
          stopTimer({ outcome: 'ok' });
        } catch (error) {
          stopTimer({ outcome: 'error' });
          throw error;
        }
        unrecorded.stages.push(stage.name);
        Object.assign(unrecorded.outputs, outputs);
        const next = shortVideoStages[index + 1]?.name ?? null;
        // Real media work follows every stage: record each as it ends, so the stage shown is the one running.
        if (next !== null && service.media.instant && performance.now() - recordedAt < recordEveryMs) continue;
        const progress = Math.round(((index + 1) * 100) / shortVideoStages.length);
        const [recorded] = await Promise.all([
          service.recordStages(id, unrecorded.stages, { progress, next, outputs: unrecorded.outputs }),
          // A job done in one write has shown no progress, and its completion (right after) says all a
          // report of 100 would, for one more Redis round trip. A job that showed some still ends at 100.
          next !== null || job.progress !== 0 ? job.updateProgress(progress) : undefined,
        ]);
        // Not recorded: another run (a job recovered while this one was merely slow) recorded some of
        // these stages; carry on from the row as it is, redoing what this run's write would have kept.
        video = recorded.row;
        unrecorded = { stages: [], outputs: {} };
        recordedAt = performance.now();
        if (video.status === 'READY') break;
        if (video.status !== 'PROCESSING') {
          throw new UnrecoverableError(`short video ${id} became ${video.status} while it was being processed`);
        }
      }
      if (video.status !== 'READY') throw new Error(`short video ${id} ran every stage without becoming READY`);
      metrics.attempts.observe({ status: 'READY' }, job.attemptsStarted);
      await releaseMedia(id);
      return { status: 'READY', videoUrl: video.videoUrl };
    } catch (error) {
      if (signal?.aborted && token) {
        // Shutting down: hand the job back to the queue for another worker, without using an attempt.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      await recordFailure(job, id, error);
      throw error instanceof InvalidInputError ? new UnrecoverableError(error.message) : error;
    }
  };

  /**
   * Progress within stage `index` (a render follows ffmpeg's own): the job's and the video's progress
   * move from the stage's start to its end, at most every half second and by whole percents.
   */
  function stageProgress(job: Job<unknown, ShortVideoJobResult>, id: string, index: number) {
    const from = (index * 100) / shortVideoStages.length;
    const span = 100 / shortVideoStages.length;
    let shown = Math.round(from);
    let shownAt = 0;
    let writing: Promise<unknown> = Promise.resolve();
    const report = (fraction: number) => {
      // Below the stage's end: reaching it is the stage's own record.
      const progress = Math.min(Math.round(from + span * fraction), Math.round(from + span) - 1);
      if (progress <= shown || performance.now() - shownAt < 500) return;
      shown = progress;
      shownAt = performance.now();
      // One write at a time, in order; progress is best effort and never fails the stage.
      writing = writing
        .then(() => Promise.all([job.updateProgress(progress), service.recordProgress(id, progress)]))
        .catch((error: unknown) => logger.debug({ err: error, shortVideoId: id }, 'progress not recorded'));
    };
    return { report, settled: () => writing };
  }

  /** The working copy of the recording goes once the video is finished. */
  async function releaseMedia(id: string): Promise<void> {
    await service.media.release(id).catch((error: unknown) => {
      logger.warn({ err: error, shortVideoId: id }, 'could not remove the working copy of a recording');
    });
  }

  async function recordFailure(job: Job<unknown, ShortVideoJobResult>, id: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const allowed = job.opts.attempts ?? 1;
    const final =
      error instanceof InvalidInputError || error instanceof UnrecoverableError || job.attemptsMade + 1 >= allowed;
    try {
      if (final) {
        const reason = error instanceof InvalidInputError ? `Invalid input: ${message}` : message;
        await service.fail(
          id,
          allowed > 1 && !(error instanceof InvalidInputError)
            ? `${reason} (after ${job.attemptsStarted} attempts)`
            : reason,
        );
        metrics.attempts.observe({ status: 'FAILED' }, job.attemptsStarted);
        await releaseMedia(id);
      } else {
        await service.recordAttemptError(
          id,
          `Attempt ${job.attemptsMade + 1} of ${allowed} failed: ${message}; retrying`,
        );
      }
    } catch (bookkeeping) {
      // The job's own outcome stands; the reconciler marks a video whose job failed as FAILED.
      logger.warn({ err: bookkeeping, shortVideoId: id }, 'could not record a failed short-video attempt');
    }
  }
}

export interface ShortVideoWorkerOptions {
  /** A connection of its own, with `maxRetriesPerRequest: null` (BullMQ blocks on it). */
  connection: RedisClient;
  prefix: string;
  concurrency: number;
  /** SHORT_VIDEO_LOCK_MS: how fast a dead worker's jobs are recovered (see stalledJobSettings). */
  lockMs: number;
  processor: ReturnType<typeof createShortVideoProcessor>;
  logger: Logger;
  /** On stop, active jobs get this long to finish before they are handed back to the queue. */
  handBackAfterMs?: number;
  /** Jobs waiting in the queue (the watchdog's question; see `restartIfStuckAfterMs`). */
  waitingJobs: () => Promise<number>;
  /**
   * A worker with free slots that took no job for this long while jobs were waiting is replaced by a
   * new one: BullMQ's blocking fetch can stay stuck on a connection that a Redis restart or a cluster
   * failover broke, and the worker then looks alive while it takes nothing.
   */
  restartIfStuckAfterMs?: number;
  /** Called with the id of each job that ended failed (not of each failed attempt), once BullMQ has recorded it so. */
  afterJobFailed?: (id: string) => Promise<unknown>;
}

/** Runs the processor on the short-video queue: inside the API (WORKER=inline) or in a worker process. */
export class ShortVideoWorker {
  private worker: Worker<unknown, ShortVideoJobResult> | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  /** Jobs this process is running now, and when it last took one. */
  private running = 0;
  private lastTakenAt = performance.now();
  /** Since when jobs have waited while this worker had free slots and took none. */
  private stuckSince: number | undefined;
  private checking = false;
  /** Workers replaced by the watchdog, closing in the background. */
  private readonly retiring = new Set<Promise<void>>();
  restarts = 0;

  constructor(private readonly options: ShortVideoWorkerOptions) {}

  start(): void {
    if (this.worker) return;
    this.worker = this.createWorker();
    const restartAfterMs = this.options.restartIfStuckAfterMs ?? 15_000;
    this.watchdog = setInterval(() => this.checkStuck(restartAfterMs), Math.max(100, restartAfterMs / 5));
    this.watchdog.unref();
  }

  private createWorker(): Worker<unknown, ShortVideoJobResult> {
    const { connection, prefix, concurrency, lockMs, processor, logger } = this.options;
    // Three parameters, like the processor's: BullMQ passes the abort signal only then.
    const counted: typeof processor = async (job, token, signal) => {
      this.running++;
      this.lastTakenAt = performance.now();
      try {
        return await processor(job, token, signal);
      } finally {
        this.running--;
      }
    };
    const worker = new Worker<unknown, ShortVideoJobResult>(shortVideoQueueName, counted, {
      connection,
      prefix,
      concurrency,
      ...stalledJobSettings(lockMs),
    });
    worker.on('error', (error) => logger.warn({ err: error }, 'short-video worker error; it keeps going'));
    worker.on('failed', (job, error) => {
      logger.warn(
        { shortVideoId: job?.id, attemptsMade: job?.attemptsMade, err: error.message },
        'short-video attempt failed',
      );
      // Every failed attempt comes here; only one that ended the job (no retry left, or one that must
      // not be retried) is moved to BullMQ's failed set and given a finishedOn.
      if (job?.id && typeof job.finishedOn === 'number' && this.options.afterJobFailed) {
        this.options.afterJobFailed(job.id).catch((error: unknown) => {
          logger.warn({ err: error, shortVideoId: job.id }, 'failed short-video job not checked; the reconciler will');
        });
      }
    });
    return worker;
  }

  private async checkStuck(restartAfterMs: number): Promise<void> {
    if (this.checking || !this.worker) return;
    this.checking = true;
    try {
      const now = performance.now();
      const idle = this.running < this.options.concurrency && now - this.lastTakenAt >= restartAfterMs;
      const waiting = idle ? await this.options.waitingJobs().catch(() => 0) : 0;
      if (waiting === 0) {
        this.stuckSince = undefined;
        return;
      }
      this.stuckSince ??= now;
      if (now - this.stuckSince < restartAfterMs || !this.worker) return;
      this.options.logger.warn({ waiting }, 'short-video worker took no job while jobs waited; restarting it');
      const stuck = this.worker;
      this.worker = this.createWorker();
      this.restarts++;
      this.stuckSince = undefined;
      this.lastTakenAt = performance.now();
      const retired = this.close(stuck).finally(() => this.retiring.delete(retired));
      this.retiring.add(retired);
    } finally {
      this.checking = false;
    }
  }

  /** Finishes the active jobs, or past `handBackAfterMs` hands them back to the queue, then closes. */
  async stop(): Promise<void> {
    clearInterval(this.watchdog);
    const worker = this.worker;
    this.worker = undefined;
    await Promise.allSettled([...(worker ? [this.close(worker)] : []), ...this.retiring]);
  }

  private async close(worker: Worker<unknown, ShortVideoJobResult>): Promise<void> {
    const handBack = setTimeout(
      () => worker.cancelAllJobs('worker shutting down'),
      this.options.handBackAfterMs ?? 5_000,
    );
    try {
      await worker.close();
    } finally {
      clearTimeout(handBack);
    }
  }
}
