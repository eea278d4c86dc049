import { Histogram, type Registry } from 'prom-client';

export type ShortVideoMetrics = ReturnType<typeof createShortVideoMetrics>;

/** Recorded by whichever process runs the worker (the API with WORKER=inline, or a worker process). */
export function createShortVideoMetrics(registry: Registry) {
  return {
    stageDuration: new Histogram({
      name: 'onair_short_video_stage_duration_seconds',
      help: 'Duration of each short-video stage by outcome (ok, error)',
      labelNames: ['stage', 'outcome'] as const,
      buckets: [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    attempts: new Histogram({
      name: 'onair_short_video_attempts',
      help: 'Attempts a short video took, by final status (READY, FAILED)',
      labelNames: ['status'] as const,
      buckets: [1, 2, 3, 4, 5, 10],
      registers: [registry],
    }),
  };
}
