import { z } from 'zod';

/** Empty strings (as docker-compose passes unset variables) count as unset. */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

/**
 * An optional list separated by commas, each item read by `parse` (`undefined` refuses the whole value
 * with `message`); with `nonEmpty`, a value that holds no item is refused too.
 */
function commaList<T>(parse: (item: string) => T | undefined, message: string, { nonEmpty = false } = {}) {
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .transform((value, context) => {
        const items: T[] = [];
        for (const part of value.split(',').map((each) => each.trim())) {
          if (!part) continue;
          const item = parse(part);
          if (item === undefined) {
            context.addIssue({ code: 'custom', message });
            return z.NEVER;
          }
          items.push(item);
        }
        if (nonEmpty && items.length === 0) {
          context.addIssue({ code: 'custom', message });
          return z.NEVER;
        }
        return items;
      })
      .optional(),
  );
}

const integer = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
  const error = `must be an integer from ${min} to ${max}`;
  return z.preprocess(
    unsetIfEmpty,
    z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(fallback),
  );
};

const onOff = (error = 'must be on or off') =>
  z.preprocess(
    unsetIfEmpty,
    z
      .enum(['on', 'off', 'true', 'false', '1', '0'], { error })
      .transform((value) => value === 'on' || value === 'true' || value === '1')
      .optional(),
  );

/** The presets of x264, fastest first. */
export const x264Presets = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
] as const;

const envSchema = z.object({
  NODE_ENV: z.preprocess(unsetIfEmpty, z.enum(['development', 'production', 'test']).default('development')),
  LOG_LEVEL: z.preprocess(
    unsetIfEmpty,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  /** `json` (one object a line) or `pretty` (for people); unset: pretty in development on a terminal. */
  LOG_FORMAT: z.preprocess(unsetIfEmpty, z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).optional()),
  HOST: z.preprocess(unsetIfEmpty, z.string().default('0.0.0.0')),
  PORT: integer(4000, 0, 65_535),
  REDIS_URL: z.preprocess(
    unsetIfEmpty,
    z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).default('redis://127.0.0.1:6379'),
  ),
  /**
   * Seeds of a Redis Cluster, `host:port` separated by commas: when set, OnAir talks to the cluster
   * (ioredis discovers the other nodes) and REDIS_URL is not used.
   */
  REDIS_CLUSTER_NODES: commaList(
    (seed) => {
      const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(seed);
      const port = Number(match?.[2]);
      if (!match || port < 1 || port > 65_535) return undefined;
      return { host: (match[1] as string).replace(/^\[|\]$/g, ''), port };
    },
    'must be host:port seeds separated by commas',
    { nonEmpty: true },
  ),
  REDIS_PREFIX: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 characters of [A-Za-z0-9_.:-]')
      .default('onair'),
  ),
  /** Every Redis command of a request fails (503) past this, e.g. when Redis hangs. */
  REDIS_COMMAND_TIMEOUT_MS: integer(1_000, 50, 60_000),
  DATABASE_URL: z.preprocess(
    unsetIfEmpty,
    z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  ),
  /**
   * `off` behind a pooler in transaction mode (PgBouncer, the poolers of Kubernetes operators): its
   * server connections change between transactions, so named prepared statements cannot be reused.
   */
  DATABASE_PREPARE: onOff().transform((value) => value ?? true),
  /**
   * PostgreSQL connections one process opens at most (the API's and the worker's pools alike); two at
   * least: at start one holds the migration lock while another migrates.
   */
  DATABASE_POOL_SIZE: integer(10, 2, 1_000),
  DATA_DIR: z.preprocess(unsetIfEmpty, z.string().default('.data')),
  OPERATOR_TOKEN: z.preprocess(unsetIfEmpty, z.string().min(16, 'must be at least 16 characters').optional()),
  /** Named operators, `name:token` pairs separated by commas, beside (or instead of) OPERATOR_TOKEN. */
  OPERATOR_TOKENS: commaList((pair) => {
    const at = pair.indexOf(':');
    const name = pair.slice(0, at);
    const token = pair.slice(at + 1);
    return at < 1 || !/^[A-Za-z0-9_.-]{1,64}$/.test(name) || token.length < 16 ? undefined : { name, token };
  }, 'must be name:token pairs (token of 16+ characters)'),
  VIEWER_TTL_MS: integer(30_000, 100),
  /** Shards of one live's presence, each in its own Redis slot (1: one slot per live, every stat exact per call). */
  PRESENCE_SHARDS: integer(1, 1, 64),
  /** How often a sharded live's aggregator samples the sum of its shards into its peak and timeline. */
  PRESENCE_AGGREGATE_MS: integer(1_000, 50, 60_000),
  /** Above this many viewers a live's stats are pushed at most once per STATS_THROTTLED_INTERVAL_MS. */
  STATS_THROTTLE_ABOVE: integer(10_000, 0),
  STATS_THROTTLED_INTERVAL_MS: integer(1_000, 100, 60_000),
  /** token: viewers prove who they are with a signed token; open: any viewerId is taken (development). */
  VIEWER_AUTH: z.preprocess(unsetIfEmpty, z.enum(['token', 'open']).optional()),
  /** HS256 secret of viewer tokens (and of the guest tokens this server signs). */
  VIEWER_TOKEN_SECRET: z.preprocess(unsetIfEmpty, z.string().min(32, 'must be at least 32 characters').optional()),
  /** ES256 or RS256 public key (PEM) of viewer tokens signed by a platform that keeps its key. */
  VIEWER_TOKEN_PUBLIC_KEY: z.preprocess(
    unsetIfEmpty,
    z.string().includes('-----BEGIN PUBLIC KEY-----', { error: 'must be a PEM public key' }).optional(),
  ),
  /** Guest viewers (joins without a token) one client address may mint per minute, across instances. */
  GUEST_MINTS_PER_MINUTE: integer(30, 0, 1_000_000),
  /** Proxies in front of the server: a hop count, or a comma list of trusted addresses or CIDRs. */
  TRUST_PROXY: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^(\d{1,2}|[0-9A-Fa-f.:/]+(\s*,\s*[0-9A-Fa-f.:/]+)*)$/, 'must be a hop count or a list of addresses')
      .transform((value) =>
        /^\d+$/.test(value)
          ? Number(value)
          : value
              .split(',')
              .map((part) => part.trim())
              .filter(Boolean),
      )
      .optional(),
  ),
  WORKER: z.preprocess(unsetIfEmpty, z.enum(['inline', 'off']).optional()),
  WORKER_CONCURRENCY: integer(8, 1, 1000),
  /** An extra pause before each stage, to watch the pipeline move or to test a crash in the middle of it. */
  SHORT_VIDEO_STAGE_MS: integer(0, 0, 600_000),
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
  /** A client must send its request headers within this (else 408). */
  HTTP_HEADERS_TIMEOUT_MS: integer(10_000, 100, 600_000),
  /** ... and its whole request, body included, within this. */
  HTTP_REQUEST_TIMEOUT_MS: integer(10_000, 100, 600_000),
  /** Largest tRPC request body (inputs are tiny: a batch of 100 joins is a few kilobytes). */
  TRPC_BODY_LIMIT_BYTES: integer(64 * 1024, 1_024, 16 * 1024 * 1024),
  /** Largest body on every other route (Bull Board's API). */
  HTTP_BODY_LIMIT_BYTES: integer(256 * 1024, 1_024, 64 * 1024 * 1024),
  /** Concurrent SSE streams one client address may hold (429 beyond). */
  SSE_MAX_STREAMS_PER_ADDRESS: integer(100, 1, 1_000_000),
  /** Concurrent SSE streams one process holds (503 beyond: another instance takes the client). */
  SSE_MAX_STREAMS: integer(10_000, 1, 1_000_000),
  /** Lets operators start simulated audiences from the dashboard (demos); `pnpm dev` turns it on. */
  ENABLE_SIMULATOR: onOff().transform((value) => value ?? false),
  /** The ffmpeg the stages run (ffprobe is taken from the same directory). */
  FFMPEG_PATH: z.preprocess(unsetIfEmpty, z.string().default('ffmpeg')),
  /** Hosts recordings may be fetched from, comma-separated (`*`: any public host, development only). */
  RECORDING_HOSTS: z.preprocess(unsetIfEmpty, z.string().optional()),
  /** A recording larger than this is refused. */
  RECORDING_MAX_BYTES: integer(4 * 1024 ** 3, 1),
  /** A recording not fetched within this long is given up (the attempt fails and is retried). */
  RECORDING_TIMEOUT_MS: integer(600_000, 100, 86_400_000),
  /** A live ended without a recording gets one made by ffmpeg (a test pattern with its audience). */
  SYNTHETIC_RECORDINGS: onOff(),
  /** The longest synthetic recording, in seconds. */
  SYNTHETIC_RECORDING_MAX_SEC: integer(600, 1, 86_400),
  /** Renders (the CPU-bound stage) running at once in one worker, whatever WORKER_CONCURRENCY is. */
  RENDER_CONCURRENCY: integer(1, 1, 64),
  /** x264 preset of the clips: faster presets cost less CPU for a larger file. */
  RENDER_PRESET: z.preprocess(
    unsetIfEmpty,
    z.enum(x264Presets, { error: `must be one of ${x264Presets.join(', ')}` }).default('veryfast'),
  ),
  /** `off`: the stages do their bookkeeping without making media (to measure the pipeline's own cost). */
  SHORT_VIDEO_MEDIA: z.preprocess(
    unsetIfEmpty,
    z.enum(['ffmpeg', 'off'], { error: 'must be ffmpeg or off' }).default('ffmpeg'),
  ),
});

type RawEnv = z.infer<typeof envSchema>;

export type Env = Omit<
  RawEnv,
  'WORKER' | 'CORS_ORIGIN' | 'RECORDING_HOSTS' | 'SYNTHETIC_RECORDINGS' | 'VIEWER_AUTH'
> & {
  /** `token` by default in production, `open` otherwise. */
  VIEWER_AUTH: 'token' | 'open';
  /** Run the BullMQ worker inside the API process. */
  WORKER: 'inline' | 'off';
  /** Allowed browser origins (CORS_ORIGIN is a comma-separated list). */
  CORS_ORIGIN: string[];
  /** Hosts recordings may come from (`*`: any public host; default `*` outside production, none in it). */
  RECORDING_HOSTS: string[];
  /** Default: on outside production. */
  SYNTHETIC_RECORDINGS: boolean;
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
    // The variable is named, never its value: it may be a secret (a token, a URL with a password).
    throw new ConfigError(`Invalid configuration: ${name} ${issue?.message ?? 'is invalid'}`);
  }
  const raw = parsed.data;
  if (raw.HTTP_HEADERS_TIMEOUT_MS > raw.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('Invalid configuration: HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }
  if (raw.NODE_ENV === 'production' && !raw.OPERATOR_TOKEN) {
    throw new ConfigError('Invalid configuration: OPERATOR_TOKEN is required when NODE_ENV=production');
  }
  const viewerAuth = raw.VIEWER_AUTH ?? (raw.NODE_ENV === 'production' ? 'token' : 'open');
  if (raw.NODE_ENV === 'production' && !raw.VIEWER_TOKEN_SECRET && !raw.VIEWER_TOKEN_PUBLIC_KEY) {
    throw new ConfigError(
      'Invalid configuration: VIEWER_TOKEN_SECRET or VIEWER_TOKEN_PUBLIC_KEY is required when NODE_ENV=production',
    );
  }
  const production = raw.NODE_ENV === 'production';
  const recordingHosts = (raw.RECORDING_HOSTS ?? (production ? '' : '*'))
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
  if (production && recordingHosts.includes('*')) {
    throw new ConfigError('Invalid configuration: RECORDING_HOSTS may not be * when NODE_ENV=production');
  }
  const badHost = recordingHosts.find((host) => host !== '*' && !/^(\*\.)?[a-z0-9.:[\]-]+$/.test(host));
  if (badHost !== undefined) {
    throw new ConfigError(
      `Invalid configuration: RECORDING_HOSTS must list host names, host:port or *.domain (got ${JSON.stringify(badHost)})`,
    );
  }
  return {
    ...raw,
    RECORDING_HOSTS: recordingHosts,
    SYNTHETIC_RECORDINGS: raw.SYNTHETIC_RECORDINGS ?? !production,
    VIEWER_AUTH: viewerAuth,
    WORKER: raw.WORKER ?? (raw.DATABASE_URL ? 'off' : 'inline'),
    CORS_ORIGIN: raw.CORS_ORIGIN.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  };
}
