import { z } from 'zod';

/** Empty strings (as docker-compose passes unset variables) count as unset. */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

const integer = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
  const error = `must be an integer from ${min} to ${max}`;
  return z.preprocess(
    unsetIfEmpty,
    z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(fallback),
  );
};

const envSchema = z.object({
  NODE_ENV: z.preprocess(unsetIfEmpty, z.enum(['development', 'production', 'test']).default('development')),
  LOG_LEVEL: z.preprocess(
    unsetIfEmpty,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  HOST: z.preprocess(unsetIfEmpty, z.string().default('0.0.0.0')),
  PORT: integer(4000, 0, 65_535),
  REDIS_URL: z.preprocess(
    unsetIfEmpty,
    z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).default('redis://127.0.0.1:6379'),
  ),
  REDIS_PREFIX: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 characters of [A-Za-z0-9_.:-]')
      .default('onair'),
  ),
  DATABASE_URL: z.preprocess(
    unsetIfEmpty,
    z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  ),
  DATA_DIR: z.preprocess(unsetIfEmpty, z.string().default('.data')),
  OPERATOR_TOKEN: z.preprocess(unsetIfEmpty, z.string().min(16, 'must be at least 16 characters').optional()),
  VIEWER_TTL_MS: integer(30_000, 100),
  WORKER: z.preprocess(unsetIfEmpty, z.enum(['inline', 'off']).optional()),
  WORKER_CONCURRENCY: integer(8, 1, 1000),
  SHORT_VIDEO_STAGE_MS: integer(500, 0, 600_000),
  SHORT_VIDEO_FAILURE_RATE: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ error: 'must be a number from 0 to 1' })
      .min(0, { error: 'must be a number from 0 to 1' })
      .max(1, { error: 'must be a number from 0 to 1' })
      .default(0),
  ),
  /** Attempts of a short-video job before the video is FAILED. */
  SHORT_VIDEO_ATTEMPTS: integer(3, 1, 100),
  /** First retry delay of a failed attempt; it doubles at each attempt, with jitter. */
  SHORT_VIDEO_BACKOFF_MS: integer(1_000, 0, 3_600_000),
  /** Job lock of the short-video worker: a killed worker's jobs are taken over within about twice this. */
  SHORT_VIDEO_LOCK_MS: integer(30_000, 1_000, 600_000),
  /** Period of the short-video reconciler (it also runs at start). */
  SHORT_VIDEO_RECONCILE_MS: integer(60_000, 200, 86_400_000),
  /** A worker process serves /metrics and /healthz on this port (unset: it serves nothing). */
  WORKER_METRICS_PORT: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ error: 'must be an integer from 1 to 65535' })
      .int({ error: 'must be an integer from 1 to 65535' })
      .min(1, { error: 'must be an integer from 1 to 65535' })
      .max(65_535, { error: 'must be an integer from 1 to 65535' })
      .optional(),
  ),
  /** Lives on air with no viewer for this long are ended, as an operator would (unset: never). */
  LIVE_IDLE_END_MS: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ error: 'must be an integer from 10000 to 604800000' })
      .int({ error: 'must be an integer from 10000 to 604800000' })
      .min(10_000, { error: 'must be an integer from 10000 to 604800000' })
      .max(604_800_000, { error: 'must be an integer from 10000 to 604800000' })
      .optional(),
  ),
  CORS_ORIGIN: z.preprocess(unsetIfEmpty, z.string().default('http://localhost:3000')),
  /** Lets operators start simulated audiences from the dashboard (demos); `pnpm dev` turns it on. */
  ENABLE_SIMULATOR: z.preprocess(
    unsetIfEmpty,
    z
      .enum(['on', 'off', 'true', 'false', '1', '0'], { error: 'must be on or off' })
      .default('off')
      .transform((value) => value === 'on' || value === 'true' || value === '1'),
  ),
});

type RawEnv = z.infer<typeof envSchema>;

export type Env = Omit<RawEnv, 'WORKER' | 'CORS_ORIGIN'> & {
  /** Run the BullMQ worker inside the API process. */
  WORKER: 'inline' | 'off';
  /** Allowed browser origins (CORS_ORIGIN is a comma-separated list). */
  CORS_ORIGIN: string[];
};

/** A configuration problem, reported as one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses and validates the environment once. Everything else receives the typed result;
 * nothing else reads `process.env`.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const given = source[name];
    throw new ConfigError(
      `Invalid configuration: ${name} ${issue?.message ?? 'is invalid'}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}`,
    );
  }
  const raw = parsed.data;
  if (raw.NODE_ENV === 'production' && !raw.OPERATOR_TOKEN) {
    throw new ConfigError('Invalid configuration: OPERATOR_TOKEN is required when NODE_ENV=production');
  }
  return {
    ...raw,
    WORKER: raw.WORKER ?? (raw.DATABASE_URL ? 'off' : 'inline'),
    CORS_ORIGIN: raw.CORS_ORIGIN.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  };
}
