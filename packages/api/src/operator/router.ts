import { operatorProcedure, router } from '../trpc';

/** Lets a client check a token before keeping it (the dashboard's sign-in). */
export const operatorRouter = router({
  session: operatorProcedure.query(() => ({ operator: true as const })),
});
