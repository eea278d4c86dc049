import { createOnAirClient } from '@onair/client';

/**
 * Where the end-to-end world runs (see playwright.config.ts): ports apart from the dev servers'.
 * E2E_API_PORT and E2E_DASHBOARD_PORT move it, so two checkouts can run their suites side by side.
 */
export const API_ORIGIN = `http://127.0.0.1:${process.env.E2E_API_PORT ?? 4100}`;
export const DASHBOARD_ORIGIN = `http://127.0.0.1:${process.env.E2E_DASHBOARD_PORT ?? 3100}`;

/** The operator token the test API is started with (30 characters, a test value only). */
export const OPERATOR_TOKEN = 'e2e-operator-token-0123456789a';

/** The typed client as any Node program would use it, straight to the API: another operator's screen. */
export function operatorClient() {
  return createOnAirClient({ url: `${API_ORIGIN}/trpc`, token: OPERATOR_TOKEN });
}

/**
 * Forces the pipeline's simulated faults at run time (`demo.setFailureRate`, operator only; null goes
 * back to SHORT_VIDEO_FAILURE_RATE), on a server with ENABLE_SIMULATOR, for every worker.
 */
export async function setPipelineFailureRate(rate: number | null): Promise<void> {
  await operatorClient().demo.setFailureRate.mutate({ rate });
}
