import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  chooseRedisStrategy,
  createLinePrefixer,
  devConfig,
  missingRedisMessage,
  operatorTokenLine,
  parseRedisUrl,
  parseRespReply,
  pingRedis,
  portTakenMessage,
  type RedisProbe,
  readyBanner,
  redactUrl,
  redisServerArgs,
  respCommand,
} from '../../../scripts/dev.mjs';
import { redisUrl } from './support/redis';

const root = resolve(import.meta.dirname, '../../..');
const devScript = join(root, 'scripts/dev.mjs');
const run = promisify(execFile);

const unreachable: RedisProbe = { status: 'unreachable', detail: 'ECONNREFUSED' };
const facts = (url: string, overrides: Partial<Parameters<typeof chooseRedisStrategy>[0]> = {}) => ({
  redis: parseRedisUrl(url),
  probe: unreachable,
  dockerRunning: false,
  composeCommand: null,
  redisServerOnPath: false,
  ...overrides,
});

/** A port nobody listens on (the OS hands out a free one, then it is released). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** A TCP server on a free port, answering every connection with `reply` (or nothing). */
async function fakeServer(reply: string | undefined): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (reply !== undefined) socket.once('data', () => socket.write(reply));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

describe('pnpm dev: REDIS_URL', () => {
  it('defaults to the local Redis on 6379', () => {
    expect(parseRedisUrl(undefined)).toMatchObject({ host: '127.0.0.1', port: 6379, tls: false, local: true });
    expect(parseRedisUrl('')).toMatchObject({ host: '127.0.0.1', port: 6379 });
  });

  it('reads host, port, credentials and TLS, and tells local from remote hosts', () => {
    expect(parseRedisUrl('redis://localhost:6391')).toMatchObject({ host: 'localhost', port: 6391, local: true });
    expect(parseRedisUrl('redis://[::1]:6400')).toMatchObject({ host: '::1', port: 6400, local: true });
    expect(parseRedisUrl('rediss://app:s%40cret@cache.example.com:6380/2')).toMatchObject({
      host: 'cache.example.com',
      port: 6380,
      tls: true,
      username: 'app',
      password: 's@cret',
      local: false,
    });
  });

  it('rejects what is not a redis URL, naming the variable', () => {
    expect(() => parseRedisUrl('localhost:6379')).toThrow(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => parseRedisUrl('not a url')).toThrow(/REDIS_URL is not a URL/);
  });

  it('never prints a password', () => {
    expect(redactUrl('redis://:hunter2hunter2@127.0.0.1:6379')).toBe('redis://:***@127.0.0.1:6379');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});

describe('pnpm dev: speaking RESP', () => {
  it('encodes a command as an array of bulk strings', () => {
    expect(respCommand('PING')).toBe('*1\r\n$4\r\nPING\r\n');
    expect(respCommand('AUTH', 'pässword')).toBe('*2\r\n$4\r\nAUTH\r\n$9\r\npässword\r\n');
  });

  it('reads status and error replies, and waits for a whole line', () => {
    expect(parseRespReply('+PONG\r\n')).toEqual({ kind: 'status', text: 'PONG' });
    expect(parseRespReply('-NOAUTH Authentication required.\r\n')).toEqual({
      kind: 'error',
      text: 'NOAUTH Authentication required.',
    });
    expect(parseRespReply('HTTP/1.1 400 Bad Request\r\n')).toMatchObject({ kind: 'other' });
    expect(parseRespReply('+PO')).toBeUndefined();
  });

  it('gets PONG from the real Redis', async () => {
    expect(await pingRedis(parseRedisUrl(redisUrl))).toEqual({ status: 'pong' });
  });

  it('reports a port where nothing listens as unreachable', async () => {
    const port = await freePort();
    expect(await pingRedis(parseRedisUrl(`redis://127.0.0.1:${port}`))).toEqual({
      status: 'unreachable',
      detail: 'ECONNREFUSED',
    });
  });

  it('reports something that is not Redis, or a Redis that refuses, as not-redis', async () => {
    const http = await fakeServer('HTTP/1.1 400 Bad Request\r\n\r\n');
    const refusing = await fakeServer('-NOAUTH Authentication required.\r\n');
    const silent = await fakeServer(undefined);
    try {
      expect(await pingRedis(parseRedisUrl(`redis://127.0.0.1:${http.port}`))).toEqual({
        status: 'not-redis',
        detail: 'it answered "HTTP/1.1 400 Bad Request"',
      });
      expect(await pingRedis(parseRedisUrl(`redis://127.0.0.1:${refusing.port}`))).toEqual({
        status: 'not-redis',
        detail: 'it answered "-NOAUTH Authentication required."',
      });
      expect(await pingRedis(parseRedisUrl(`redis://127.0.0.1:${silent.port}`), 300)).toEqual({
        status: 'not-redis',
        detail: 'no answer to PING within 300 ms',
      });
    } finally {
      await Promise.all([http.close(), refusing.close(), silent.close()]);
    }
  });
});

describe('pnpm dev: choosing how to get Redis', () => {
  it('uses a Redis that answers, whatever else is installed', () => {
    const strategy = chooseRedisStrategy(
      facts('redis://127.0.0.1:6379', {
        probe: { status: 'pong' },
        dockerRunning: true,
        composeCommand: ['docker', 'compose'],
        redisServerOnPath: true,
      }),
    );
    expect(strategy).toEqual({ kind: 'use-existing' });
  });

  it('prefers Docker Compose when an engine runs, then redis-server, then gives up', () => {
    const url = 'redis://127.0.0.1:6391';
    expect(
      chooseRedisStrategy(
        facts(url, { dockerRunning: true, composeCommand: ['docker-compose'], redisServerOnPath: true }),
      ),
    ).toEqual({ kind: 'compose', command: ['docker-compose'] });
    // A docker CLI without a running engine does not count.
    expect(chooseRedisStrategy(facts(url, { composeCommand: ['docker', 'compose'], redisServerOnPath: true }))).toEqual(
      {
        kind: 'redis-server',
      },
    );
    expect(chooseRedisStrategy(facts(url))).toEqual({ kind: 'fail', reason: 'nothing', detail: 'ECONNREFUSED' });
  });

  it('starts nothing for a remote or TLS REDIS_URL, or for something that is not Redis', () => {
    const everything = { dockerRunning: true, composeCommand: ['docker', 'compose'], redisServerOnPath: true };
    expect(chooseRedisStrategy(facts('redis://cache.internal:6379', everything))).toMatchObject({
      kind: 'fail',
      reason: 'remote',
    });
    expect(chooseRedisStrategy(facts('rediss://127.0.0.1:6380', everything))).toMatchObject({ reason: 'remote' });
    expect(
      chooseRedisStrategy(
        facts('redis://127.0.0.1:6379', { ...everything, probe: { status: 'not-redis', detail: 'x' } }),
      ),
    ).toMatchObject({ kind: 'fail', reason: 'not-redis' });
  });

  it('uses redis-server rather than the password-less compose Redis when the URL has a password', () => {
    const strategy = chooseRedisStrategy(
      facts('redis://:s3cret@127.0.0.1:6391', {
        dockerRunning: true,
        composeCommand: ['docker', 'compose'],
        redisServerOnPath: true,
      }),
    );
    expect(strategy).toEqual({ kind: 'redis-server' });
    expect(redisServerArgs({ port: 6391, dir: '/r', password: 's3cret' })).toContain('--requirepass');
  });

  it('starts redis-server on loopback, on the URL port, keeping nothing on disk', () => {
    expect(redisServerArgs({ port: 6391, dir: '/repo/.data/redis' })).toEqual([
      '--port',
      '6391',
      '--bind',
      '127.0.0.1',
      '--dir',
      '/repo/.data/redis',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
  });

  it('starts a redis-server with those arguments that answers on the URL port, with its password', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'onair-dev-redis-'));
    const server = spawn('redis-server', redisServerArgs({ port, dir, password: 'dev-password' }), { stdio: 'ignore' });
    let missing: Error | undefined;
    const exited = new Promise((done) => {
      server.once('exit', done);
      server.once('error', (error) => {
        missing = new Error(`redis-server could not start (${error.message}): apt-get install -y redis-server`);
        done(error);
      });
    });
    try {
      const redis = parseRedisUrl(`redis://:dev-password@127.0.0.1:${port}`);
      let probe = await pingRedis(redis, 500);
      for (let i = 0; i < 50 && probe.status === 'unreachable'; i++) {
        await new Promise((done) => setTimeout(done, 100));
        probe = await pingRedis(redis, 500);
      }
      if (missing) throw missing;
      expect(probe).toEqual({ status: 'pong' });
      expect(await pingRedis(parseRedisUrl(`redis://127.0.0.1:${port}`))).toEqual({
        status: 'not-redis',
        detail: expect.stringContaining('NOAUTH'),
      });
      expect(await pingRedis(parseRedisUrl(`redis://:wrong@127.0.0.1:${port}`))).toMatchObject({ status: 'not-redis' });
    } finally {
      server.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the three ways to provide Redis when there is none', () => {
    const message = missingRedisMessage({ url: 'redis://127.0.0.1:6391', reason: 'nothing', detail: 'ECONNREFUSED' });
    expect(message).toContain('No Redis answers at REDIS_URL=redis://127.0.0.1:6391 (ECONNREFUSED)');
    expect(message).toContain('set REDIS_URL to a Redis that runs');
    expect(message).toContain('install and start Docker');
    expect(message).toContain('apt-get install redis-server');
    expect(message).toContain('brew install redis');
    expect(missingRedisMessage({ url: 'redis://:pw@x:1', reason: 'remote', detail: 'ETIMEDOUT' })).not.toContain('pw@');
  });
});

describe('pnpm dev: configuration of the children', () => {
  it('shares one absolute DATA_DIR, turns the simulator on and points the dashboard at the API', () => {
    const config = devConfig({ PATH: '/usr/bin', SOME_USER_SETTING: 'kept' }, '/repo');
    expect(config.dataDir).toBe('/repo/.data');
    expect(config.api.args).toEqual(['--filter', '@onair/server', 'dev']);
    expect(config.dashboard.args).toEqual(['--filter', '@onair/dashboard', 'dev']);
    expect(config.api.env).toMatchObject({
      PATH: '/usr/bin',
      SOME_USER_SETTING: 'kept',
      DATA_DIR: '/repo/.data',
      ENABLE_SIMULATOR: 'on',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: '4000',
      CORS_ORIGIN: 'http://localhost:3000',
    });
    expect(config.dashboard.env).toMatchObject({
      SOME_USER_SETTING: 'kept',
      DATA_DIR: '/repo/.data',
      ENABLE_SIMULATOR: 'on',
      API_URL: 'http://localhost:4000',
    });
    expect(config).toMatchObject({
      dashboardUrl: 'http://localhost:3000',
      trpcUrl: 'http://localhost:4000/trpc',
      boardUrl: 'http://localhost:3000/admin/queues',
      readyUrl: 'http://127.0.0.1:4000/readyz',
    });
  });

  it("moves the ports with PORT and DASHBOARD_PORT, and keeps the user's own settings", () => {
    const config = devConfig(
      {
        PORT: '4100',
        DASHBOARD_PORT: '3100',
        DATA_DIR: 'tmp/state',
        ENABLE_SIMULATOR: 'off',
        REDIS_URL: 'redis://h:1',
      },
      '/repo',
    );
    expect(config.dataDir).toBe('/repo/tmp/state');
    expect(config.api.env).toMatchObject({
      PORT: '4100',
      CORS_ORIGIN: 'http://localhost:3100',
      ENABLE_SIMULATOR: 'off',
    });
    expect(config.dashboard.args).toEqual(['--filter', '@onair/dashboard', 'dev', '--port', '3100']);
    expect(config.dashboard.env.API_URL).toBe('http://localhost:4100');
    expect(config.redisUrl).toBe('redis://h:1');
    expect(devConfig({ DATA_DIR: '/var/onair' }, '/repo').dataDir).toBe('/var/onair');
  });

  it('refuses ports that cannot work, naming the variable', () => {
    expect(() => devConfig({ PORT: 'abc' }, '/repo')).toThrow(/PORT must be a port number/);
    expect(() => devConfig({ DASHBOARD_PORT: '70000' }, '/repo')).toThrow(/DASHBOARD_PORT must be a port number/);
    expect(() => devConfig({ PORT: '3000' }, '/repo')).toThrow(/PORT and DASHBOARD_PORT are both 3000/);
  });
});

describe('pnpm dev: what it prints', () => {
  it('prints every URL and the operator token once ready', () => {
    const banner = readyBanner({
      dashboardUrl: 'http://localhost:3000',
      trpcUrl: 'http://localhost:4000/trpc',
      boardUrl: 'http://localhost:3000/admin/queues',
      token: operatorTokenLine({
        configured: undefined,
        saved: 'generated-token-123\n',
        file: '/repo/.data/operator-token',
      }),
      redis: 'redis://127.0.0.1:6379 (already running)',
    });
    expect(banner).toContain('Dashboard       http://localhost:3000');
    expect(banner).toContain('API (tRPC)      http://localhost:4000/trpc');
    expect(banner).toContain('Bull Board      http://localhost:3000/admin/queues');
    expect(banner).toContain('Operator token  generated-token-123   (generated, saved in /repo/.data/operator-token)');
  });

  it('prefers OPERATOR_TOKEN over the saved one, and says where a missing one would be', () => {
    expect(operatorTokenLine({ configured: 'configured-token-1', saved: 'other', file: '/f' })).toBe(
      'configured-token-1   (from OPERATOR_TOKEN)',
    );
    expect(operatorTokenLine({ configured: undefined, saved: undefined, file: '/f' })).toContain('not found');
  });

  it('names the port and the variable that moves it', () => {
    const message = portTakenMessage({ port: 4000, service: 'API', variable: 'PORT', suggestion: 4001 });
    expect(message).toContain('Port 4000 is already in use, and the API needs it.');
    expect(message).toContain('PORT=4001 pnpm dev');
  });

  it("prefixes whole lines of a child's output, however the chunks are cut", () => {
    const prefixer = createLinePrefixer('api | ');
    expect(prefixer.push('first li')).toBe('');
    expect(prefixer.push('ne\nsecond\r\nthi')).toBe('api | first line\napi | second\n');
    expect(prefixer.flush()).toBe('api | thi\n');
    expect(prefixer.flush()).toBe('');
    const quiet = createLinePrefixer('api | ', (line) => line.includes('ELIFECYCLE'));
    expect(quiet.push('[ELIFECYCLE] Command failed.\nbye\n')).toBe('api | bye\n');
  });
});

describe('pnpm dev: refusing to start', () => {
  it('stops before starting anything when the API port is taken, naming PORT', async () => {
    const taken = await fakeServer(undefined);
    try {
      const result = run(process.execPath, [devScript], {
        env: { ...process.env, PORT: String(taken.port), DASHBOARD_PORT: String(await freePort()) },
      });
      await expect(result).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`Port ${taken.port} is already in use, and the API needs it.`),
      });
      await expect(result).rejects.toMatchObject({
        stderr: expect.stringContaining(`PORT=${taken.port + 1} pnpm dev`),
      });
    } finally {
      await taken.close();
    }
  });

  it('names the three ways to get Redis when none answers and neither Docker nor redis-server exist', async () => {
    // A PATH with node alone: no docker, no docker-compose, no redis-server.
    const bin = mkdtempSync(join(tmpdir(), 'onair-dev-path-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    try {
      const redisPort = await freePort();
      const result = run(join(bin, 'node'), [devScript], {
        env: {
          PATH: bin,
          HOME: process.env.HOME,
          REDIS_URL: `redis://127.0.0.1:${redisPort}`,
          PORT: String(await freePort()),
          DASHBOARD_PORT: String(await freePort()),
        },
      });
      await expect(result).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`No Redis answers at REDIS_URL=redis://127.0.0.1:${redisPort} (ECONNREFUSED)`),
      });
      await expect(result).rejects.toMatchObject({ stderr: expect.stringContaining('brew install redis') });
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
