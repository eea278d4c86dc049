import { operatorProcedure, publicProcedure, router } from '../trpc';
import { listShortVideosInput, shortVideoIdInput, shortVideoUpdatesInput } from './schema';

export const shortVideoRouter = router({
  list: publicProcedure.input(listShortVideosInput).query(({ ctx, input }) => ctx.onair.shortVideo.list(input)),
  get: publicProcedure.input(shortVideoIdInput).query(({ ctx, input }) => ctx.onair.shortVideo.get(input.id)),
  retry: operatorProcedure
    .input(shortVideoIdInput)
    .mutation(({ ctx, input }) => ctx.onair.shortVideo.retry(input.id, ctx.operator)),
  onUpdate: publicProcedure
    .input(shortVideoUpdatesInput)
    .subscription(({ ctx, input, signal }) => ctx.onair.shortVideo.updates(input, signal)),
});
