import { publicProcedure, router } from '../trpc';
import { presenceInput, statsInput, statsUpdatesInput } from './schema';

/**
 * The viewer procedures. The hot ones (join, heartbeat, leave, onStats) are also served by the
 * server's data plane, which runs the same service calls without tRPC's per-request machinery;
 * these definitions remain the contract (types, validation, errors) and serve every other path.
 */
export const viewerRouter = router({
  join: publicProcedure
    .input(presenceInput)
    .mutation(({ ctx, input }) => ctx.onair.viewers.join(input.liveId, input.viewerId)),
  heartbeat: publicProcedure
    .input(presenceInput)
    .mutation(({ ctx, input }) => ctx.onair.viewers.heartbeat(input.liveId, input.viewerId)),
  leave: publicProcedure
    .input(presenceInput)
    .mutation(({ ctx, input }) => ctx.onair.viewers.leave(input.liveId, input.viewerId)),
  stats: publicProcedure.input(statsInput).query(({ ctx, input }) => ctx.onair.viewers.stats(input.liveId)),
  /** The audience curve so far: the count at the end of each second in which it changed. */
  timeline: publicProcedure.input(statsInput).query(async ({ ctx, input }) => ({
    liveId: input.liveId,
    points: await ctx.onair.viewers.timeline(input.liveId),
  })),
  onStats: publicProcedure
    .input(statsUpdatesInput)
    .subscription(({ ctx, input, signal }) => ctx.onair.viewers.updates(input.liveId, signal)),
});
