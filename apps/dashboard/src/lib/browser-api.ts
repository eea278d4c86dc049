import { createOnAirClient, type OnAirClient } from '@onair/client';

let client: OnAirClient | undefined;

/**
 * The typed client as the browser uses it: through the dashboard's own /api/trpc proxy, which adds
 * the operator's credentials server-side (see app/api/trpc/[...trpc]/route.ts).
 */
export function browserApi(): OnAirClient {
  client ??= createOnAirClient({ url: '/api/trpc' });
  return client;
}
