import { publicProcedure, router } from '../trpc';
import { presenceInput, statsInput, statsUpdatesInput } from './schema';

/**
 * The viewer procedures. The hot ones, marked `dataPlane`, carry almost all traffic: the server's
 * data plane calls these same procedures (middleware, input parser, error formatter) but owns their
 * transport, skipping tRPC's per-request HTTP machinery. Every other request reaches them through tRPC.
 */
export const viewerRouter = router({
  join: publicProcedure
    .meta({ dataPlane: 'mutation' })
    .input(presenceInput)
    .mutation(({ ctx, input }) => ctx.onair.viewers.joinAs(input, ctx.clientAddress)),
  heartbeat: publicProcedure
    .meta({ dataPlane: 'mutation' })
    .input(presenceInput)
    .mutation(({ ctx, input }) => ctx.onair.viewers.heartbeatAs(input)),
  leave: publicProcedure
    .meta({ dataPlane: 'mutation' })
    .input(presenceInput)
    .mutation(({ ctx, input }) => ctx.onair.viewers.leaveAs(input)),
  stats: publicProcedure.input(statsInput).query(({ ctx, input }) => ctx.onair.viewers.stats(input.liveId)),
  /** The audience curve so far: the count at the end of each second in which it changed. */
  timeline: publicProcedure.input(statsInput).query(async ({ ctx, input }) => ({
    liveId: input.liveId,
    points: await ctx.onair.viewers.timeline(input.liveId),
  })),
  onStats: publicProcedure
    .meta({ dataPlane: 'fanout' })
    .input(statsUpdatesInput)
    .subscription(({ ctx, input, signal }) => ctx.onair.viewers.updates(input.liveId, signal)),
});
