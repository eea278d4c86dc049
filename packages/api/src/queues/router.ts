import { operatorProcedure, router } from '../trpc';

/** The job states an operator watches; BullMQ's `prioritized` jobs are waiting too, only ordered. */
const countedStates = ['waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed'] as const;

/** Job counts of every OnAir queue, read through the queues the app already holds (no connection per call). */
export const queuesRouter = router({
  counts: operatorProcedure.query(({ ctx }) =>
    Promise.all(
      ctx.onair.queues.map(async (queue) => {
        const counts = await queue.getJobCounts(...countedStates);
        return {
          name: queue.name,
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          active: counts.active ?? 0,
          completed: counts.completed ?? 0,
          failed: counts.failed ?? 0,
          delayed: counts.delayed ?? 0,
        };
      }),
    ),
  ),
});
