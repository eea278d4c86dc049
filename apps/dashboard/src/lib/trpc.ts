'use client';

import type { AppRouter } from '@onair/client';
import { createTRPCReact } from '@trpc/react-query';

/**
 * The dashboard's data layer: tRPC procedures as TanStack Query hooks. Every read is a query in the
 * one cache, every write a mutation that updates it, every subscription merged into it (see cache.ts).
 * The types come from the API's AppRouter; nothing is declared here a second time.
 */
export const trpc = createTRPCReact<AppRouter>();

export type TrpcUtils = ReturnType<typeof trpc.useUtils>;
