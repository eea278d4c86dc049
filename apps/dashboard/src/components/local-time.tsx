'use client';

import { useSyncExternalStore } from 'react';

const subscribeToNothing = () => () => {};

const localFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const serverFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/**
 * A timestamp in the operator's own time zone. The server does not know that zone, so it renders UTC
 * and the browser switches to local time right after hydration, without a hydration mismatch.
 */
export function LocalTime({ iso }: { iso: string }) {
  const inBrowser = useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
  const date = new Date(iso);
  return <time dateTime={iso}>{inBrowser ? localFormat.format(date) : `${serverFormat.format(date)} UTC`}</time>;
}
