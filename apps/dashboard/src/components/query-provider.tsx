'use client';

import { createOnAirClient } from '@onair/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState, useTransition } from 'react';
import { describeError, isUnauthorized } from '@/lib/errors';
import { makeQueryClient } from '@/lib/query-client';
import { endRefusedSession } from '@/lib/session-actions';
import { trpc } from '@/lib/trpc';

interface OperatorErrors {
  error: string | null;
  handleError: (cause: unknown) => void;
  clearError: () => void;
}

const OperatorErrorsContext = createContext<OperatorErrors | null>(null);

/**
 * The query cache and the tRPC client of the signed-in operator's pages. The browser only talks to
 * the dashboard's /api/trpc proxy, which adds the operator's token (see app/api/trpc/[...trpc]).
 *
 * Every failed query or mutation goes one way: a refused token (revoked, or the 8-hour session is
 * over) signs the operator out cleanly; anything else becomes one sentence on the page.
 */
export function QueryProvider({ children }: { children: ReactNode }) {
  const [error, setError] = useState<string | null>(null);
  const [, startTransition] = useTransition();

  const handleError = useCallback((cause: unknown) => {
    if (isUnauthorized(cause)) {
      startTransition(() => endRefusedSession());
      return;
    }
    setError(describeError(cause));
  }, []);
  const clearError = useCallback(() => setError(null), []);

  // handleError and clearError never change: the cache made once keeps calling the right ones.
  const [queryClient] = useState(() => makeQueryClient({ onError: handleError, onMutationSuccess: clearError }));
  const [trpcClient] = useState(() => createOnAirClient({ url: '/api/trpc' }));
  const errors = useMemo(() => ({ error, handleError, clearError }), [error, handleError, clearError]);

  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <OperatorErrorsContext value={errors}>{children}</OperatorErrorsContext>
      </QueryClientProvider>
    </trpc.Provider>
  );
}

/** The page's error sentence, and the handler every failed call goes to. */
export function useOperatorErrors(): OperatorErrors {
  const errors = useContext(OperatorErrorsContext);
  if (!errors) throw new Error('useOperatorErrors is only available inside <QueryProvider>');
  return errors;
}
