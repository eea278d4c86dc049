import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isClientMistake } from './errors';

/**
 * The query cache's defaults, the same on the dashboard server (which prefetches a page's data) and in
 * the browser (which hydrates it): what the server fetched counts as fresh for a few seconds, so the
 * browser does not fetch it again on hydration; subscriptions keep it current from there. The server
 * does not retry: a page that cannot load says so at once.
 */
export function makeQueryClient({
  retry = true,
  onError,
  onMutationSuccess,
}: {
  retry?: boolean;
  /** Every query or mutation that failed for good. */
  onError?: (error: unknown) => void;
  /** Every operator action that went through. */
  onMutationSuccess?: () => void;
} = {}): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: (error) => onError?.(error) }),
    mutationCache: new MutationCache({
      onError: (error) => onError?.(error),
      onSuccess: () => onMutationSuccess?.(),
    }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        // A refusal (bad input, no such id, a revoked token) is final; an outage is tried again.
        retry: (failures, error) => retry && failures < 3 && !isClientMistake(error, [400, 401, 403, 404, 409]),
      },
      mutations: { retry: false },
    },
  });
}
