import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * One registry per OnAir instance (several run side by side in tests); each domain adds its own
 * metrics to `registry`.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'onair_' });
  return {
    registry,
    procedureDuration: new Histogram({
      name: 'onair_trpc_procedure_duration_seconds',
      help: 'tRPC procedure calls by procedure, type and result code; _count is the number of calls',
      labelNames: ['procedure', 'type', 'code'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}
