import { z } from 'zod';
import { PreconditionFailedError } from '../errors';
import { liveIdSchema } from '../ids';
import { operatorProcedure, router } from '../trpc';

const startAudienceInput = z.object({
  liveId: liveIdSchema,
  audience: z.number().int().min(1).max(5_000).default(200),
  rampSeconds: z.number().int().min(0).max(600).default(20),
  leaveRate: z.number().min(0).max(1).default(0.2),
  crashRate: z.number().min(0).max(1).default(0.1),
});

/** Demo controls (ENABLE_SIMULATOR): simulated audiences run by the server. Operator only. */
export const demoRouter = router({
  audiences: operatorProcedure.query(({ ctx }) => ({
    enabled: ctx.onair.demo.enabled,
    audiences: ctx.onair.demo.list(),
  })),
  startAudience: operatorProcedure
    .input(
      startAudienceInput.refine((input) => input.leaveRate + input.crashRate <= 1, {
        message: 'leaveRate plus crashRate must not exceed 1',
        path: ['crashRate'],
      }),
    )
    .mutation(({ ctx, input: { liveId, ...options } }) => ctx.onair.demo.start(liveId, options)),
  stopAudience: operatorProcedure
    .input(z.object({ liveId: liveIdSchema }))
    .mutation(({ ctx, input }) => ctx.onair.demo.stop(input.liveId)),
  /** Forces short-video stage failures (1: every stage fails) for every worker; null restores SHORT_VIDEO_FAILURE_RATE. */
  setFailureRate: operatorProcedure
    .input(z.object({ rate: z.number().min(0).max(1).nullable() }))
    .mutation(async ({ ctx, input }) => {
      if (!ctx.onair.demo.enabled) {
        throw new PreconditionFailedError(
          'Demo controls are off on this server (set ENABLE_SIMULATOR=on, as pnpm dev does)',
        );
      }
      await ctx.onair.shortVideo.faults.set(input.rate);
      return { rate: await ctx.onair.shortVideo.faults.rate() };
    }),
});
