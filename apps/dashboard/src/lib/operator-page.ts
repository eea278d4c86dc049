import type { AppRouter } from '@onair/client';
import { createOnAirClient } from '@onair/client';
import { type DehydratedState, dehydrate } from '@tanstack/react-query';
import { getUntypedClient } from '@trpc/client';
import { createHydrationHelpers } from '@trpc/react-query/rsc';
import { createTRPCRecursiveProxy } from '@trpc/server';
import { redirect } from 'next/navigation';
import { apiTrpcUrl } from '@/env';
import { isUnauthorized } from './errors';
import { makeQueryClient } from './query-client';
import { readOperatorToken } from './session';

type Prefetcher = ReturnType<typeof createHydrationHelpers<AppRouter>>['trpc'];

/**
 * tRPC's hydration helpers want an in-process caller (`caller.live.get(input)`); the dashboard
 * reaches the API over HTTP, so this caller sends each call as a query through the typed client. The
 * helpers only ever call queries, under the same keys the browser's hooks use.
 */
function httpCaller(token: string): Parameters<typeof createHydrationHelpers<AppRouter>>[0] {
  const client = getUntypedClient(createOnAirClient({ url: apiTrpcUrl, token }));
  return createTRPCRecursiveProxy(({ path, args }) => client.query(path.join('.'), args[0])) as Parameters<
    typeof createHydrationHelpers<AppRouter>
  >[0];
}

/**
 * What an operator's page prefetches on the dashboard server, into a query cache handed to the
 * browser (`<HydrationBoundary state>`), together with a check that the API still accepts the token,
 * in one batched request: no token, or a refused one, leads to sign-in; a failed prefetch is thrown
 * to the page (which may turn a 404 into its not-found page) or to its error boundary.
 */
export async function loadOperatorPage(prefetch: (trpc: Prefetcher) => Promise<unknown>): Promise<DehydratedState> {
  const token = await readOperatorToken();
  if (!token) redirect('/sign-in');
  const queryClient = makeQueryClient({ retry: false });
  const { trpc } = createHydrationHelpers<AppRouter>(httpCaller(token), () => queryClient);
  const [, session] = await Promise.allSettled([prefetch(trpc), trpc.operator.session()]);
  if (session.status === 'rejected' && isUnauthorized(session.reason)) redirect('/sign-in?expired=1');
  const failed = queryClient
    .getQueryCache()
    .getAll()
    .find((query) => query.state.status === 'error');
  if (failed) throw failed.state.error;
  return dehydrate(queryClient);
}
