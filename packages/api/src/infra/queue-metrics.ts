import type { Queue } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';

const states = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;

/** Jobs in every OnAir queue by state, read from Redis at each scrape (so any instance reports them all). */
export function registerQueueMetrics(registry: Registry, queues: Queue[]): void {
  new Gauge({
    name: 'onair_queue_jobs',
    help: 'Jobs in each queue by state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      await Promise.all(
        queues.map(async (queue) => {
          const counts = await queue.getJobCounts(...states).catch(() => undefined);
          if (!counts) return;
          for (const state of states) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        }),
      );
    },
  });
}
