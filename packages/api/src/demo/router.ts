import { z } from 'zod';
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
});
