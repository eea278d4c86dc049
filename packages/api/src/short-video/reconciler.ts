import type { Logger } from 'pino';
import type { EndedLivesLister } from './ports';
import type { ShortVideoService } from './service';

export interface ShortVideoReconcilerOptions {
  service: ShortVideoService;
  endedLives: EndedLivesLister;
  logger: Logger;
  /** SHORT_VIDEO_RECONCILE_MS: the period of the passes after the first, at start. */
  intervalMs: number;
  /** How far back to look for ended lives without a video (as long as the outbox keeps its rows). */
  lookbackMs?: number;
  /**
   * Lives that ended, and videos that changed, more recently than this are left to the event and the
   * job in flight (default: one period), so a pass does not race the normal path.
   */
  graceMs?: number;
  batchSize?: number;
}

export interface ReconcileReport {
  /** Videos created for ended lives whose `live.ended` never produced one. */
  created: number;
  /** Jobs added for PENDING or PROCESSING videos the queue had lost. */
  enqueued: number;
  /** Finished jobs re-run for videos still waiting for them. */
  requeued: number;
  /** PROCESSING videos whose job had failed, now FAILED. */
  failed: number;
}

/**
 * The backstop of "every live that was LIVE gets exactly one short video": at start and then
 * periodically, it finds ENDED lives that were LIVE with no video (an event lost with Redis's data)
 * and PENDING or PROCESSING videos with no job that will run, and repairs them through the same
 * idempotent paths as the event handler. Every repair is safe to repeat, so it runs on every instance
 * with no coordination: two instances repairing the same video both end at one video with one job.
 */
export class ShortVideoReconciler {
  private readonly options: Required<ShortVideoReconcilerOptions>;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<unknown> | undefined;
  private running = false;

  constructor(options: ShortVideoReconcilerOptions) {
    this.options = { lookbackMs: 7 * 86_400_000, batchSize: 200, graceMs: options.intervalMs, ...options };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.pass;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.pass = this.reconcile()
        .catch((error: unknown) =>
          this.options.logger.warn({ err: error }, 'short-video reconciliation failed; retrying'),
        )
        .finally(() => {
          if (this.running) this.schedule(this.options.intervalMs);
        });
    }, delayMs);
  }

  /**
   * One pass now. `graceMs: 0` after Redis lost its data: no event or job is in flight any more, so
   * even the most recent lives and videos are repaired at once.
   */
  async reconcile({ graceMs = this.options.graceMs }: { graceMs?: number } = {}): Promise<ReconcileReport> {
    const report: ReconcileReport = { created: 0, enqueued: 0, requeued: 0, failed: 0 };
    await this.createMissingVideos(report, graceMs);
    await this.repairJobs(report, graceMs);
    if (report.created + report.enqueued + report.requeued + report.failed > 0) {
      this.options.logger.warn({ ...report }, 'short-video reconciliation repaired the pipeline');
    }
    return report;
  }

  private async createMissingVideos(report: ReconcileReport, graceMs: number): Promise<void> {
    const { service, endedLives, batchSize, lookbackMs } = this.options;
    const endedSince = new Date(Date.now() - lookbackMs);
    const settledBefore = Date.now() - graceMs;
    let after: { endedAt: string; liveId: string } | undefined;
    for (;;) {
      const lives = await endedLives({ endedSince, after, limit: batchSize });
      const withVideo = await service.liveIdsWithVideo(lives.map((live) => live.liveId));
      for (const live of lives) {
        if (withVideo.has(live.liveId) || Date.parse(live.endedAt) > settledBefore) continue;
        if ((await service.onLiveEnded(live)).created) report.created++;
      }
      const last = lives.at(-1);
      if (!last || lives.length < batchSize) return;
      after = { endedAt: last.endedAt, liveId: last.liveId };
    }
  }

  private async repairJobs(report: ReconcileReport, graceMs: number): Promise<void> {
    const { service, batchSize } = this.options;
    const settledBefore = Date.now() - graceMs;
    let afterId: string | undefined;
    for (;;) {
      const videos = await service.unfinished(afterId, batchSize);
      for (const video of videos) {
        if (video.updatedAt.getTime() > settledBefore) continue;
        const repair = await service.repairJob(video);
        if (repair !== 'present') report[repair]++;
      }
      afterId = videos.at(-1)?.id;
      if (!afterId || videos.length < batchSize) return;
    }
  }
}
