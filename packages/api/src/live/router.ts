import { operatorProcedure, publicProcedure, router } from '../trpc';
import { createLiveInput, endLiveInput, listLivesInput, liveIdInput, liveUpdatesInput } from './schema';

export const liveRouter = router({
  create: operatorProcedure
    .input(createLiveInput)
    .mutation(({ ctx, input }) => ctx.onair.live.create(input, ctx.operator)),
  start: operatorProcedure
    .input(liveIdInput)
    .mutation(({ ctx, input }) => ctx.onair.live.start(input.id, ctx.operator)),
  end: operatorProcedure
    .input(endLiveInput)
    .mutation(({ ctx, input }) => ctx.onair.live.end(input.id, input, ctx.operator)),
  get: publicProcedure.input(liveIdInput).query(({ ctx, input }) => ctx.onair.live.get(input.id)),
  list: publicProcedure.input(listLivesInput).query(({ ctx, input }) => ctx.onair.live.list(input)),
  onUpdate: publicProcedure
    .input(liveUpdatesInput)
    .subscription(({ ctx, input, signal }) => ctx.onair.live.updates(input, signal)),
});
