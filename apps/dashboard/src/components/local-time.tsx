'use client';

import { formatRelative } from '@/lib/time';
import { useInBrowser } from '@/lib/use-in-browser';
import { useNow } from '@/lib/use-now';

const localFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const serverFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/**
 * A timestamp in the operator's own time zone. The server does not know that zone, so it renders UTC
 * and the browser switches to local time right after hydration, without a hydration mismatch.
 */
export function LocalTime({ iso }: { iso: string }) {
  const inBrowser = useInBrowser();
  const date = new Date(iso);
  return <time dateTime={iso}>{inBrowser ? localFormat.format(date) : `${serverFormat.format(date)} UTC`}</time>;
}

/**
 * A timestamp relative to now ("12 min ago"), kept current, with the local time on hover. Only the
 * browser knows "now" at the moment it draws, so the server renders the UTC time instead.
 */
export function RelativeTime({ iso }: { iso: string }) {
  const inBrowser = useInBrowser();
  const now = useNow(15_000, inBrowser);
  const date = new Date(iso);
  if (!inBrowser) return <time dateTime={iso}>{`${serverFormat.format(date)} UTC`}</time>;
  return (
    <time dateTime={iso} title={localFormat.format(date)}>
      {formatRelative(date.getTime(), now)}
    </time>
  );
}
