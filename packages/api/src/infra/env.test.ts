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
  });

  it('fetches recordings from no host and makes none in production unless told, and never allows * there', () => {
    const production = { NODE_ENV: 'production', OPERATOR_TOKEN: 'a-production-token-0123' };
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
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['VIEWER_TTL_MS', '-5'],
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
    expect(loadEnv({ NODE_ENV: 'production', OPERATOR_TOKEN: 'a-long-enough-production-token' }).OPERATOR_TOKEN).toBe(
      'a-long-enough-production-token',
    );
  });
});
