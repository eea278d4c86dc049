import { createOnAirClient } from '@onair/client';
import { apiTrpcUrl } from '@/env';

/** The API as the dashboard server calls it directly, with the operator's token when there is one. */
export function serverApi(token: string | undefined) {
  return createOnAirClient({ url: apiTrpcUrl, token });
}
