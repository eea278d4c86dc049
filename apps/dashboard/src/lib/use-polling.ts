import { useEffect, useEffectEvent, useState } from 'react';

/**
 * A value read again every `intervalMs` while `active`, starting from the server-rendered one. A
 * read that fails is reported and the last value kept; the next read tries again.
 */
export function usePolling<T>(
  initial: T,
  read: () => Promise<T>,
  { intervalMs, active = true, onError }: { intervalMs: number; active?: boolean; onError: (error: unknown) => void },
) {
  const [value, setValue] = useState(initial);
  const readNow = useEffectEvent(read);
  const reportError = useEffectEvent(onError);

  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // One read at a time: a slow API is not sent a second request before the first has answered.
    const poll = async () => {
      try {
        const next = await readNow();
        if (!stopped) setValue(next);
      } catch (error) {
        if (!stopped) reportError(error);
      }
      if (!stopped) timer = setTimeout(poll, intervalMs);
    };
    timer = setTimeout(poll, intervalMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [intervalMs, active]);

  return [value, setValue] as const;
}
