import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from './env';

describe('loadEnv', () => {
  it('applies the documented defaults', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      PORT: 4000,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: 'onair',
      DATA_DIR: '.data',
      VIEWER_TTL_MS: 30_000,
      PRESENCE_SHARDS: 1,
      PRESENCE_AGGREGATE_MS: 1_000,
      STATS_THROTTLE_ABOVE: 10_000,
      STATS_THROTTLED_INTERVAL_MS: 1_000,
      WORKER: 'inline',
      WORKER_CONCURRENCY: 8,
      SHORT_VIDEO_STAGE_MS: 0,
      SHORT_VIDEO_FAILURE_RATE: 0,
      SHORT_VIDEO_ATTEMPTS: 3,
      SHORT_VIDEO_BACKOFF_MS: 1_000,
      SHORT_VIDEO_LOCK_MS: 30_000,
      SHORT_VIDEO_RECONCILE_MS: 60_000,
      CORS_ORIGIN: ['http://localhost:3000'],
      FFMPEG_PATH: 'ffmpeg',
      RECORDING_HOSTS: ['*'],
      RECORDING_MAX_BYTES: 4 * 1024 ** 3,
      RECORDING_TIMEOUT_MS: 600_000,
      SYNTHETIC_RECORDINGS: true,
      SYNTHETIC_RECORDING_MAX_SEC: 600,
      RENDER_CONCURRENCY: 1,
      RENDER_PRESET: 'veryfast',
      SHORT_VIDEO_MEDIA: 'ffmpeg',
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_CLUSTER_NODES).toBeUndefined();
    expect(env).toMatchObject({ DATABASE_PREPARE: true, DATABASE_POOL_SIZE: 10 });
  });

  it('reads REDIS_CLUSTER_NODES as host:port seeds', () => {
    expect(
      loadEnv({ REDIS_CLUSTER_NODES: 'redis-0.redis:6379, 10.0.0.2:7001,[::1]:7002' }).REDIS_CLUSTER_NODES,
    ).toEqual([
      { host: 'redis-0.redis', port: 6379 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(loadEnv({ DATABASE_PREPARE: 'off' }).DATABASE_PREPARE).toBe(false);
  });

  it('fetches recordings from no host and makes none in production unless told, and never allows * there', () => {
    const production = {
      NODE_ENV: 'production',
      OPERATOR_TOKEN: 'a-production-token-0123',
      VIEWER_TOKEN_SECRET: 'a-production-viewer-token-secret-0123456789',
    };
    expect(loadEnv(production)).toMatchObject({ RECORDING_HOSTS: [], SYNTHETIC_RECORDINGS: false });
    expect(
      loadEnv({ ...production, RECORDING_HOSTS: 'cdn.example.com, *.video.example:8443', SYNTHETIC_RECORDINGS: 'on' }),
    ).toMatchObject({ RECORDING_HOSTS: ['cdn.example.com', '*.video.example:8443'], SYNTHETIC_RECORDINGS: true });
    expect(() => loadEnv({ ...production, RECORDING_HOSTS: '*' })).toThrow(/RECORDING_HOSTS may not be \*/);
    expect(() => loadEnv({ RECORDING_HOSTS: 'http://cdn.example.com/' })).toThrow(/RECORDING_HOSTS must list host/);
  });

  it('runs the worker out of process by default with PostgreSQL', () => {
    expect(loadEnv({ DATABASE_URL: 'postgres://localhost/onair' }).WORKER).toBe('off');
    expect(loadEnv({ DATABASE_URL: 'postgres://localhost/onair', WORKER: 'inline' }).WORKER).toBe('inline');
  });

  it('treats empty values as unset', () => {
    expect(loadEnv({ PORT: '', DATABASE_URL: '' })).toMatchObject({ PORT: 4000, DATABASE_URL: undefined });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['REDIS_URL', 'http://localhost'],
    ['REDIS_CLUSTER_NODES', 'redis://10.0.0.1:6379'],
    ['REDIS_CLUSTER_NODES', '10.0.0.1'],
    ['REDIS_CLUSTER_NODES', '10.0.0.1:99999'],
    ['REDIS_CLUSTER_NODES', ' , '],
    ['DATABASE_PREPARE', 'sometimes'],
    ['DATABASE_POOL_SIZE', 'many'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['VIEWER_TTL_MS', '-5'],
    ['PRESENCE_SHARDS', '0'],
    ['PRESENCE_SHARDS', '65'],
    ['STATS_THROTTLED_INTERVAL_MS', '50'],
    ['RENDER_PRESET', 'instant'],
    ['RENDER_CONCURRENCY', '0'],
    ['SYNTHETIC_RECORDINGS', 'maybe'],
    ['SHORT_VIDEO_MEDIA', 'gstreamer'],
    ['WORKER', 'sometimes'],
    ['SHORT_VIDEO_FAILURE_RATE', '1.5'],
    ['REDIS_PREFIX', 'has spaces'],
    ['OPERATOR_TOKEN', 'short'],
    ['LOG_FORMAT', 'xml'],
  ])('rejects %s=%s with one line naming the variable, never its value', (name, value) => {
    const attempt = () => loadEnv({ [name]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(new RegExp(`^Invalid configuration: ${name} [^\\n]+$`));
    expect(attempt).not.toThrow(value);
  });

  it('requires OPERATOR_TOKEN in production', () => {
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/OPERATOR_TOKEN is required/);
    const production = {
      NODE_ENV: 'production',
      OPERATOR_TOKEN: 'a-long-enough-production-token',
      VIEWER_TOKEN_SECRET: 'a-viewer-token-secret-of-32-characters',
    };
    expect(loadEnv(production).OPERATOR_TOKEN).toBe('a-long-enough-production-token');
  });

  it('takes signed viewers by default in production, and refuses to start without a key to verify them', () => {
    expect(() => loadEnv({ NODE_ENV: 'production', OPERATOR_TOKEN: 'a-long-enough-production-token' })).toThrow(
      /VIEWER_TOKEN_SECRET or VIEWER_TOKEN_PUBLIC_KEY is required/,
    );
    const production = loadEnv({
      NODE_ENV: 'production',
      OPERATOR_TOKEN: 'a-long-enough-production-token',
      VIEWER_TOKEN_SECRET: 'a-viewer-token-secret-of-32-characters',
    });
    expect(production.VIEWER_AUTH).toBe('token');
    expect(loadEnv({}).VIEWER_AUTH).toBe('open');
    expect(() => loadEnv({ VIEWER_TOKEN_SECRET: 'too-short' })).toThrow(/VIEWER_TOKEN_SECRET must be at least 32/);
  });

  it('reads TRUST_PROXY as a hop count or a list of addresses, and OPERATOR_TOKENS as name:token pairs', () => {
    expect(loadEnv({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadEnv({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' }).TRUST_PROXY).toEqual(['10.0.0.1', '10.1.0.0/16']);
    expect(() => loadEnv({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(loadEnv({ OPERATOR_TOKENS: 'ana:ana-token-0123456789,bo:bo-token-0123456789ab' }).OPERATOR_TOKENS).toEqual([
      { name: 'ana', token: 'ana-token-0123456789' },
      { name: 'bo', token: 'bo-token-0123456789ab' },
    ]);
    expect(() => loadEnv({ OPERATOR_TOKENS: 'ana:short' })).toThrow(/OPERATOR_TOKENS/);
  });
});
