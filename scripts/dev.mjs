// `pnpm dev`: make sure Redis answers (start one if not), then turbo's persistent `dev` tasks of the
// API and the dashboard; print where everything is once they answer; stop what it started on exit.
// Extra arguments go to turbo: `node scripts/dev.mjs --filter=@onair/server` runs the API alone.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (/** @type {number} */ ms) => new Promise((done) => setTimeout(done, ms));
const say = (/** @type {string} */ text) => process.stdout.write(`dev │ ${text}\n`);
const redact = (/** @type {string} */ url) => url.replace(/:[^:@/]*@/, ':***@');

/** Ports, URLs and the children's environment, from the user's (also used by scripts/demo.mjs). */
export function devConfig(/** @type {NodeJS.ProcessEnv} */ env) {
  const apiPort = Number(env.PORT || 4000);
  const dashboardPort = Number(env.DASHBOARD_PORT || 3000);
  const apiUrl = `http://localhost:${apiPort}`;
  const dashboardUrl = `http://localhost:${dashboardPort}`;
  const redisUrl = env.REDIS_URL || 'redis://127.0.0.1:6379';
  // One data directory for the whole repository, wherever each package's process runs from.
  const dataDir = resolve(root, env.DATA_DIR || '.data');
  return {
    apiPort,
    dashboardPort,
    redisUrl,
    dataDir,
    dashboardUrl,
    trpcUrl: `${apiUrl}/trpc`,
    readyUrl: `http://127.0.0.1:${apiPort}/readyz`,
    dashboardProbeUrl: `http://127.0.0.1:${dashboardPort}/`,
    env: {
      ...env,
      REDIS_URL: redisUrl,
      DATA_DIR: dataDir,
      PORT: String(apiPort),
      DASHBOARD_PORT: String(dashboardPort),
      ENABLE_SIMULATOR: env.ENABLE_SIMULATOR || 'on',
      // turbo pipes the output, so the API would otherwise take it for a log collector.
      LOG_FORMAT: env.LOG_FORMAT || 'pretty',
      CORS_ORIGIN: env.CORS_ORIGIN || dashboardUrl,
      API_URL: env.API_URL || apiUrl,
    },
  };
}

/** 'pong', or why not: the connection's error code (ECONNREFUSED: nothing listens) or message. */
async function ping(/** @type {string} */ url) {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: null,
  });
  /** @type {NodeJS.ErrnoException | undefined} */
  let failure;
  redis.on('error', (error) => {
    failure ??= error;
  });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG' ? 'pong' : 'no PONG';
  } catch (error) {
    return failure?.code ?? (failure ?? /** @type {Error} */ (error)).message;
  } finally {
    redis.disconnect();
  }
}

const runs = (/** @type {string} */ command, /** @type {string[]} */ args) =>
  spawnSync(command, args, { stdio: 'ignore', timeout: 15_000 }).status === 0;

const listening = (/** @type {number} */ port) =>
  new Promise((done) => {
    const socket = net.connect(port, '127.0.0.1', () => done(socket.destroy() || true));
    socket.on('error', () => done(false));
  });

/**
 * Redis at REDIS_URL, or when nothing listens on its local port a `redis-server` started there (data
 * in DATA_DIR/redis, nothing saved). Returns how to stop what was started, or exits saying what to do.
 */
async function ensureRedis(/** @type {ReturnType<typeof devConfig>} */ config) {
  const first = await ping(config.redisUrl);
  if (first === 'pong') return { stop: () => {}, description: 'already running' };
  const { hostname, port, protocol, password } = new URL(config.redisUrl);
  const local = protocol === 'redis:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
  const where = `${hostname}:${port || 6379}`;
  const canStart = local && first === 'ECONNREFUSED';
  if (!canStart || !runs('redis-server', ['--version'])) {
    process.stderr.write(
      [
        `No Redis answers at REDIS_URL=${redact(config.redisUrl)} (${first}). Any one of these works:`,
        '  1. set REDIS_URL to a Redis that runs: REDIS_URL=redis://127.0.0.1:6380 pnpm dev',
        '  2. with Docker: `OPERATOR_TOKEN=unused-by-redis-only docker compose up -d redis` (REDIS_PORT moves it)',
        '  3. install redis-server (apt-get install redis-server, or brew install redis): pnpm dev then starts it',
        'A remote or rediss:// REDIS_URL, or a port where something else answers, is never started here.',
        '',
      ].join('\n'),
    );
    process.exit(1);
  }
  const dir = join(config.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  say(`nothing answers at ${where}; starting redis-server there (in ${dir}, nothing saved)`);
  const args = ['--port', port || '6379', '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
  if (password) args.push('--requirepass', decodeURIComponent(password));
  // Its own process group: a Ctrl-C stops the API first, and Redis only after it.
  const server = spawn('redis-server', args, { stdio: 'ignore', detached: true });
  const started = {
    stop: () => server.kill('SIGTERM'),
    description: 'redis-server started by pnpm dev, stopped on exit',
  };
  for (let tries = 0; (await ping(config.redisUrl)) !== 'pong'; tries++) {
    if (tries > 100) {
      started.stop();
      process.stderr.write(`The Redis pnpm dev started does not answer at ${redact(config.redisUrl)}.\n`);
      process.exit(1);
    }
    await sleep(200);
  }
  return started;
}

/** Resolves true once `answers()` does, false if turbo exits first. */
async function whenAnswering(
  /** @type {() => Promise<boolean>} */ answers,
  /** @type {{ exitCode: number | null }} */ turbo,
) {
  while (turbo.exitCode === null) {
    if (await answers().catch(() => false)) return true;
    await sleep(300);
  }
  return false;
}

/** The inline worker cuts clips with the system's ffmpeg: without it, say how to get it before starting. */
function ensureFfmpeg(/** @type {NodeJS.ProcessEnv} */ env) {
  const ffmpeg = env.FFMPEG_PATH || 'ffmpeg';
  if (env.SHORT_VIDEO_MEDIA === 'off' || runs(ffmpeg, ['-version'])) return;
  process.stderr.write(
    [
      `ffmpeg was not found (FFMPEG_PATH=${ffmpeg}). OnAir cuts its short videos with the system's ffmpeg:`,
      '  Debian/Ubuntu   sudo apt-get install -y ffmpeg',
      '  macOS           brew install ffmpeg',
      '  or set FFMPEG_PATH to an ffmpeg binary (ffprobe must sit beside it).',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

async function main() {
  const config = devConfig(process.env);
  ensureFfmpeg(process.env);
  const redis = await ensureRedis(config);
  mkdirSync(config.dataDir, { recursive: true });
  const extra = process.argv.slice(2);
  const filtered = extra.some((arg) => arg.startsWith('--filter'));
  const apps = filtered ? [] : ['--filter=@onair/server', '--filter=@onair/dashboard'];
  // Loose env mode: the apps get the whole environment, as they would when started by hand.
  const args = ['run', 'dev', '--env-mode=loose', '--ui=stream', ...apps, ...extra];
  // Detached (a process group of its own): a Ctrl-C in the terminal reaches this script alone, which
  // passes it on to turbo's group as the terminal would (turbo's launcher and turbo itself), so turbo
  // is stopped exactly once whether the signal came from a terminal, `pnpm demo` or a process manager.
  const turbo = spawn(join(root, 'node_modules/.bin/turbo'), args, {
    cwd: root,
    env: config.env,
    stdio: 'inherit',
    detached: true,
  });
  const exited = new Promise((done) => turbo.once('exit', (code) => done(code)));
  const signalTurbo = (/** @type {NodeJS.Signals} */ signal) => {
    if (turbo.exitCode !== null || turbo.signalCode !== null || turbo.pid === undefined) return;
    try {
      process.kill(-turbo.pid, signal);
    } catch {
      // Its group is already gone.
    }
  };
  // Should this script end any other way, turbo (in its own group) is not left running.
  process.on('exit', () => signalTurbo('SIGTERM'));
  let stopping = false;
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      say('stopping…');
      signalTurbo(signal);
    });
  }

  const withDashboard = !filtered || extra.some((arg) => arg.includes('dashboard'));
  const ready =
    (await whenAnswering(async () => (await fetch(config.readyUrl)).ok, turbo)) &&
    (!withDashboard || (await whenAnswering(() => listening(config.dashboardPort), turbo)));
  if (ready && !stopping) {
    const file = join(config.dataDir, 'operator-token');
    const token = process.env.OPERATOR_TOKEN
      ? `${process.env.OPERATOR_TOKEN}   (from OPERATOR_TOKEN)`
      : `${readFileSync(file, 'utf8').trim()}   (generated, saved in ${file})`;
    const lines = [
      'OnAir is running:',
      ...(withDashboard ? [`  Dashboard       ${config.dashboardUrl}`] : []),
      `  API (tRPC)      ${config.trpcUrl}`,
      withDashboard
        ? `  Bull Board      ${config.dashboardUrl}/admin/queues   (through the dashboard, once signed in)`
        : `  Bull Board      ${config.trpcUrl.replace(/trpc$/, 'admin/queues')}   (operator token required)`,
      `  Operator token  ${token}`,
      `  Redis           ${redact(config.redisUrl)} (${redis.description})`,
      'Press Ctrl-C to stop everything.',
    ];
    for (const line of lines) say(line);
  }
  const code = await exited;
  // Redis last: the API still talks to it while it shuts down.
  redis.stop();
  say(stopping ? 'stopped' : `turbo exited (${code}); the output above says why`);
  process.exit(stopping ? 0 : Number(code) || 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
