import { useCallback, useState, useTransition } from 'react';
import { describeError, isUnauthorized } from './errors';
import { endRefusedSession } from './session-actions';

/**
 * How every page handles a failed call: a refused token (revoked, or the 8-hour session is over)
 * signs the operator out cleanly; anything else becomes one sentence on the page.
 */
export function useOperatorErrors() {
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
  return { error, handleError, clearError };
}
