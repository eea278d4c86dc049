import type { JobsOptions, WorkerOptions } from 'bullmq';
import { z } from 'zod';

/**
 * The short-video queue, declared once for the producers (the `live.ended` consumer, retries, the
 * reconciler) and the worker.
 */
export const shortVideoQueueName = 'short-video';
export const shortVideoJobName = 'make-short-video';

export const shortVideoJobSchema = z.object({ shortVideoId: z.uuid(), liveId: z.uuid() });
export type ShortVideoJobData = z.infer<typeof shortVideoJobSchema>;

export interface ShortVideoJobPolicy {
  /** Attempts of one job before the video is FAILED (SHORT_VIDEO_ATTEMPTS). */
  attempts: number;
  /** First retry delay; each next one doubles, with jitter (SHORT_VIDEO_BACKOFF_MS). */
  backoffMs: number;
}

/**
 * jobId = the short video's id: adding a job that already exists is a no-op, which is what makes
 * every producer idempotent. Finished jobs stay for inspection in Bull Board, bounded by age and count.
 */
export function shortVideoJobOptions(shortVideoId: string, policy: ShortVideoJobPolicy): JobsOptions {
  return {
    jobId: shortVideoId,
    attempts: policy.attempts,
    // Jitter spreads the retries of videos that failed together (e.g. during an outage).
    backoff: { type: 'exponential', delay: policy.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 24 * 3_600, count: 1_000 },
    removeOnFail: { age: 7 * 24 * 3_600, count: 5_000 },
  };
}

/**
 * Stalled-job recovery, from SHORT_VIDEO_LOCK_MS. A worker holds a lock on each active job and renews
 * it every lockMs / 2 (a timer, independent of how long the job runs); a worker killed with -9 stops
 * renewing, so its jobs are lockless after at most lockMs, and the next stalled check of any live
 * worker (every lockMs / 2) moves them back to wait: recovery within about 2 × lockMs. A lower value
 * recovers faster at the cost of more frequent renewals and checks (a few cheap scripts per second
 * at 1 s). A job stalls at most twice; past that it fails, as a job that kills its worker would.
 */
export function stalledJobSettings(
  lockMs: number,
): Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> {
  return { lockDuration: lockMs, stalledInterval: Math.max(500, Math.round(lockMs / 2)), maxStalledCount: 2 };
}
