import { useSyncExternalStore } from 'react';

const subscribeToNothing = () => () => {};

/**
 * False during the server render and hydration, true after: for what only the browser can draw
 * (charts measured against the window and the current time), so hydration never mismatches.
 */
export function useInBrowser(): boolean {
  return useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
}
