import type { AppRouter } from '@onair/api';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  retryLink,
  splitLink,
  type TRPCClient,
  TRPCClientError,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { EventSource } from 'eventsource';

export interface OnAirClientOptions {
  /** The tRPC endpoint, e.g. `http://localhost:4000/trpc`. */
  url: string;
  /** The operator token, for operator procedures. */
  token?: string | undefined;
  /** Extra headers on every request (e.g. a cookie when proxied). */
  headers?: Record<string, string>;
}

/**
 * The typed OnAir client for Node and browsers: batched HTTP for queries and mutations, Server-Sent
 * Events for subscriptions. Subscriptions reconnect on their own and resume from the last event id.
 */
export function createOnAirClient(options: OnAirClientOptions): OnAirClient {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;

  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: [
          retryLink({
            // Server restarts and network drops are retried; a refusal (4xx) is final.
            retry: ({ error }) => !isClientMistake(error),
            retryDelayMs: (attempt) => Math.min(250 * 2 ** attempt, 5_000),
          }),
          httpSubscriptionLink({
            url: options.url,
            // The `eventsource` package (unlike the browser's) can send headers, in Node and browsers alike.
            EventSource,
            eventSourceOptions: {
              fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...headers } }),
            },
          }),
        ],
        false: httpBatchLink({ url: options.url, headers, maxItems: 50 }),
      }),
    ],
  });
}

export type OnAirClient = TRPCClient<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export { ViewerSession, type ViewerSessionOptions } from './viewer';
export type { AppRouter };
export { TRPCClientError };

function isClientMistake(error: TRPCClientError<AppRouter>): boolean {
  const status = error.data?.httpStatus;
  return typeof status === 'number' && status >= 400 && status < 500;
}
