import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from './support/databases';
import { freePort } from './support/process';
import { deleteKeys, redisUrl, uniquePrefix } from './support/redis';
import { createTestEnvironment, operatorToken, type TestEnvironment, type TestServer } from './support/server';

const root = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

const answers = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = net.connect(port, '127.0.0.1', () => done(Boolean(socket.destroy()) || true));
    socket.on('error', () => done(false));
  });

/**
 * `pnpm dev` (scripts/dev.mjs) with the API alone (`--filter=@onair/server`: the dashboard's dev
 * server adds nothing to what is tested here but time): waits for its banner, stops it with a signal
 * sent to it alone (SIGTERM, or the SIGINT that `pnpm demo` passes on), and requires a clean exit with
 * nothing left listening.
 */
async function devRun(env: Record<string, string>, stopWith: NodeJS.Signals = 'SIGTERM') {
  // A migrated PGlite directory, as a developer's second `pnpm dev` finds it: a fresh one costs
  // PGlite's initdb and the migrations, seconds of CPU that say nothing about the script.
  const database = await createTestDatabase('pglite');
  const apiPort = await freePort();
  let output = '';
  const dev: ChildProcess = spawn(process.execPath, ['scripts/dev.mjs', '--filter=@onair/server'], {
    cwd: root,
    env: { ...process.env, PORT: String(apiPort), ...database.env, NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => dev.once('exit', (code) => done(code)));
  for (const stream of [dev.stdout, dev.stderr]) stream?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await vi.waitFor(
      () => {
        if (dev.exitCode !== null) throw new Error(`pnpm dev exited with ${dev.exitCode}:\n${output}`);
        expect(output).toContain('Press Ctrl-C to stop everything.');
      },
      { timeout: 90_000, interval: 200 },
    );
    expect((await fetch(`http://127.0.0.1:${apiPort}/readyz`)).status).toBe(200);
    dev.kill(stopWith);
    expect(await exited).toBe(0);
    expect(await answers(apiPort)).toBe(false);
    return output;
  } finally {
    dev.kill('SIGKILL');
    await database.drop();
  }
}

describe('pnpm dev', () => {
  it('uses the Redis that answers, runs the API through turbo, and stops cleanly on a SIGINT sent to it alone', async () => {
    const prefix = uniquePrefix();
    try {
      const output = await devRun({ REDIS_URL: redisUrl, REDIS_PREFIX: prefix }, 'SIGINT');
      expect(output).toContain(`Redis           ${redisUrl} (already running)`);
      expect(output).toMatch(/Operator token {2}\S{16,} {3}\(generated, saved in .*operator-token\)/);
      expect(output).toContain('dev │ stopped');
    } finally {
      await deleteKeys(prefix);
    }
  }, 150_000);

  it('starts redis-server on the port of a REDIS_URL where nothing answers, and stops it on exit', async () => {
    const port = await freePort();
    const output = await devRun({ REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(output).toContain(`nothing answers at 127.0.0.1:${port}; starting redis-server there`);
    expect(output).toContain('(redis-server started by pnpm dev, stopped on exit)');
    await vi.waitFor(async () => expect(await answers(port)).toBe(false), { timeout: 10_000, interval: 100 });
  }, 150_000);

  it('stops before starting anything when ffmpeg is missing, saying how to install it', async () => {
    // A PATH with node alone: no ffmpeg.
    const bin = mkdtempSync(join(tmpdir(), 'onair-dev-path-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    try {
      const result = run(join(bin, 'node'), ['scripts/dev.mjs'], {
        cwd: root,
        env: { PATH: bin, HOME: process.env.HOME, REDIS_URL: redisUrl },
      });
      await expect(result).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('ffmpeg was not found (FFMPEG_PATH=ffmpeg)'),
      });
      await expect(result).rejects.toMatchObject({ stderr: expect.stringContaining('apt-get install -y ffmpeg') });
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('says how to get Redis when none answers and redis-server is not installed', async () => {
    // A PATH with node alone: no redis-server (and no ffmpeg, which this run does not need).
    const bin = mkdtempSync(join(tmpdir(), 'onair-dev-path-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    try {
      const port = await freePort();
      const result = run(join(bin, 'node'), ['scripts/dev.mjs'], {
        cwd: root,
        env: { PATH: bin, HOME: process.env.HOME, REDIS_URL: `redis://127.0.0.1:${port}`, SHORT_VIDEO_MEDIA: 'off' },
      });
      await expect(result).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`No Redis answers at REDIS_URL=redis://127.0.0.1:${port} (ECONNREFUSED)`),
      });
      await expect(result).rejects.toMatchObject({ stderr: expect.stringContaining('brew install redis') });
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});

describe('pnpm simulate', () => {
  let world: TestEnvironment;
  let server: TestServer;
  beforeAll(async () => {
    world = await createTestEnvironment('pglite');
    server = await world.start({ VIEWER_TTL_MS: '1500' });
  });
  afterAll(() => world.cleanup());

  it('prints its own options for --help', async () => {
    const { stdout } = await run('pnpm', ['simulate', '--help'], { cwd: root });
    expect(stdout).toContain('Usage: pnpm simulate [options]');
    for (const option of ['--viewers', '--duration', '--crash-rate', '--url']) expect(stdout).toContain(option);
  });

  it.each([
    ['PORT', () => ({ PORT: new URL(server.url).port })],
    ['API_URL', () => ({ API_URL: server.url, PORT: '1' })],
  ])(
    'finds the API through %s',
    async (_, where) => {
      const { stdout } = await run(
        'pnpm',
        ['simulate', '--viewers', '4', '--ramp', '0', '--duration', '1', '--leave-rate', '0', '--crash-rate', '0'],
        { cwd: root, env: { ...process.env, ...where(), OPERATOR_TOKEN: operatorToken, DATA_DIR: '' } },
      );
      expect(stdout).toContain('Created and started live');
      expect(stdout).toContain('Expected 4 viewers, server reports 4: MATCH');
      // It reached this server, and ended the live it started once it was done.
      const { items } = await server.client.live.list.query({ status: 'ENDED' });
      expect(items.some((live) => live.stats.unique === 4 && live.title.startsWith('Simulation'))).toBe(true);
    },
    60_000,
  );
});
