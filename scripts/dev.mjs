// `pnpm dev`: find or start Redis, run the API and the dashboard with prefixed output, print where
// everything is once both answer, and stop everything it started on Ctrl-C or SIGTERM.
//
// Plain Node (the root package has no runtime dependencies). The decisions are pure functions,
// exported for apps/server/test/dev-script.test.ts; `main()` only gathers facts and acts on them.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::']);

/**
 * Reads a redis:// or rediss:// URL the way the server will use it.
 * @param {string | undefined} value
 */
export function parseRedisUrl(value) {
  const text = value === undefined || value === '' ? DEFAULT_REDIS_URL : value;
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`REDIS_URL is not a URL (got ${JSON.stringify(text)}); expected e.g. ${DEFAULT_REDIS_URL}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error(`REDIS_URL must be a redis:// or rediss:// URL (got ${JSON.stringify(text)})`);
  }
  const port = url.port === '' ? 6379 : Number(url.port);
  const host = (url.hostname || '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  return {
    url: text,
    host,
    port,
    tls: url.protocol === 'rediss:',
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    /** Only a Redis on this machine can be started by `pnpm dev`. */
    local: LOCAL_HOSTS.has(host),
  };
}

/** The URL with its password hidden, for printing. */
export function redactUrl(/** @type {string} */ text) {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return text;
  }
}

/** One command in RESP, Redis's wire protocol: an array of bulk strings. */
export function respCommand(/** @type {string[]} */ ...args) {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

/**
 * The first complete reply line in `text`: `+OK` is a status, `-ERR ...` an error; anything else
 * that ends a line did not come from Redis. Undefined while the line is incomplete.
 * @param {string} text
 */
export function parseRespReply(text) {
  const end = text.indexOf('\r\n');
  if (end === -1) return text.length > 512 ? { kind: 'other', text: text.slice(0, 80) } : undefined;
  const line = text.slice(0, end);
  if (line.startsWith('+')) return { kind: 'status', text: line.slice(1) };
  if (line.startsWith('-')) return { kind: 'error', text: line.slice(1) };
  return { kind: 'other', text: line.slice(0, 80) };
}

/**
 * What to do about Redis, from what was found on this machine.
 * @param {{
 *   redis: ReturnType<typeof parseRedisUrl>,
 *   probe: { status: 'pong' } | { status: 'unreachable', detail: string } | { status: 'not-redis', detail: string },
 *   dockerRunning: boolean,
 *   composeCommand: string[] | null,
 *   redisServerOnPath: boolean,
 * }} facts
 */
export function chooseRedisStrategy({ redis, probe, dockerRunning, composeCommand, redisServerOnPath }) {
  if (probe.status === 'pong') return { kind: 'use-existing' };
  if (probe.status === 'not-redis') return { kind: 'fail', reason: 'not-redis', detail: probe.detail };
  // Starting a Redis here would not make a remote REDIS_URL answer, nor one that expects TLS.
  if (!redis.local || redis.tls) return { kind: 'fail', reason: 'remote', detail: probe.detail };
  // The compose Redis has no password and publishes on loopback only.
  if (dockerRunning && composeCommand && !redis.password && redis.host !== '::1') {
    return { kind: 'compose', command: composeCommand };
  }
  if (redisServerOnPath) return { kind: 'redis-server' };
  return { kind: 'fail', reason: 'nothing', detail: probe.detail };
}

/**
 * A throwaway Redis for development: loopback only, nothing saved to disk.
 * @param {{ port: number, dir: string, host?: string, password?: string }} options
 */
export function redisServerArgs({ port, dir, host = '127.0.0.1', password = '' }) {
  const args = [
    '--port',
    String(port),
    '--bind',
    host === '::1' ? '::1' : '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
  ];
  if (password) args.push('--requirepass', password);
  return args;
}

/**
 * Why there is no Redis, and the three ways to provide one.
 * @param {{ url: string, reason: 'not-redis' | 'remote' | 'nothing', detail: string }} problem
 */
export function missingRedisMessage({ url, reason, detail }) {
  const shown = redactUrl(url);
  if (reason === 'not-redis') {
    return [
      `Something answers at REDIS_URL=${shown}, but not as a usable Redis: ${detail}.`,
      'Fix REDIS_URL (host, port, password) so that it points at a Redis that answers PING.',
    ].join('\n');
  }
  if (reason === 'remote') {
    return [
      `No Redis answers at REDIS_URL=${shown} (${detail}).`,
      'pnpm dev only starts a Redis on this machine (plain redis:// on localhost); start that one, or fix REDIS_URL.',
    ].join('\n');
  }
  return [
    `No Redis answers at REDIS_URL=${shown} (${detail}), and pnpm dev cannot start one:`,
    'no Docker engine is running and there is no redis-server on PATH. OnAir needs Redis; any one of these works:',
    '  1. set REDIS_URL to a Redis that runs, e.g. REDIS_URL=redis://127.0.0.1:6380 pnpm dev',
    '  2. install and start Docker; pnpm dev then runs `docker compose up -d redis` (see docker-compose.yml)',
    '  3. install redis-server (Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: `brew install redis`);',
    '     pnpm dev then starts it for you and stops it on exit',
  ].join('\n');
}

/**
 * A port that is taken, the part of OnAir that needs it, and the variable that moves it.
 * @param {{ port: number, service: string, variable: string, suggestion: number }} taken
 */
export function portTakenMessage({ port, service, variable, suggestion }) {
  return [
    `Port ${port} is already in use, and the ${service} needs it.`,
    `Stop what listens there (\`ss -ltnp 'sport = :${port}'\` or \`lsof -i :${port}\` shows it),`,
    `or give the ${service} another port: ${variable}=${suggestion} pnpm dev`,
  ].join('\n');
}

/**
 * Ports, URLs and the environment of each child, from the user's environment.
 * @param {Record<string, string | undefined>} env
 * @param {string} root the repository root
 */
export function devConfig(env, root) {
  const port = (/** @type {string} */ name, /** @type {number} */ fallback) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1 || number > 65_535) {
      throw new Error(`${name} must be a port number from 1 to 65535 (got ${JSON.stringify(value)})`);
    }
    return number;
  };
  const apiPort = port('PORT', 4000);
  const dashboardPort = port('DASHBOARD_PORT', 3000);
  if (apiPort === dashboardPort) {
    throw new Error(`PORT and DASHBOARD_PORT are both ${apiPort}; the API and the dashboard need one each`);
  }
  const redisUrl = env.REDIS_URL || DEFAULT_REDIS_URL;
  // One data directory for the whole repository, wherever each package's process runs from.
  const dataDir = resolve(root, env.DATA_DIR || '.data');
  const apiUrl = `http://localhost:${apiPort}`;
  const dashboardUrl = `http://localhost:${dashboardPort}`;
  const shared = { ...env, REDIS_URL: redisUrl, DATA_DIR: dataDir, ENABLE_SIMULATOR: env.ENABLE_SIMULATOR || 'on' };
  return {
    root,
    apiPort,
    dashboardPort,
    redisUrl,
    dataDir,
    apiUrl,
    dashboardUrl,
    trpcUrl: `${apiUrl}/trpc`,
    // The dashboard's own Bull Board: it signs the requests with the signed-in operator's token.
    boardUrl: `${dashboardUrl}/admin/queues`,
    readyUrl: `http://127.0.0.1:${apiPort}/readyz`,
    dashboardProbeUrl: `http://127.0.0.1:${dashboardPort}/`,
    api: {
      command: 'pnpm',
      args: ['--filter', '@onair/server', 'dev'],
      env: { ...shared, PORT: String(apiPort), CORS_ORIGIN: env.CORS_ORIGIN || dashboardUrl },
    },
    dashboard: {
      command: 'pnpm',
      // The script says `next dev --port 3000`; a later --port wins.
      args: [
        '--filter',
        '@onair/dashboard',
        'dev',
        ...(dashboardPort === 3000 ? [] : ['--port', String(dashboardPort)]),
      ],
      env: { ...shared, API_URL: env.API_URL || apiUrl },
    },
  };
}

/**
 * The operator token to print: the configured one, else the one the server generated and saved.
 * @param {{ configured: string | undefined, saved: string | undefined, file: string }} sources
 */
export function operatorTokenLine({ configured, saved, file }) {
  if (configured) return `${configured}   (from OPERATOR_TOKEN)`;
  const token = saved?.trim();
  if (token) return `${token}   (generated, saved in ${file})`;
  return `not found: the API saves it in ${file} when it starts without OPERATOR_TOKEN`;
}

/**
 * What `pnpm dev` prints once the API and the dashboard answer.
 * @param {{ dashboardUrl: string, trpcUrl: string, boardUrl: string, token: string, redis: string }} ready
 */
export function readyBanner({ dashboardUrl, trpcUrl, boardUrl, token, redis }) {
  return [
    '',
    'OnAir is running:',
    `  Dashboard       ${dashboardUrl}`,
    `  API (tRPC)      ${trpcUrl}`,
    `  Bull Board      ${boardUrl}   (through the dashboard, once signed in)`,
    `  Operator token  ${token}`,
    `  Redis           ${redis}`,
    'Press Ctrl-C to stop everything.',
    '',
  ].join('\n');
}

/**
 * Splits a child's output into whole lines, each written with the child's name in front.
 * @param {string} prefix
 * @param {(line: string) => boolean} [drop] lines to leave out
 */
export function createLinePrefixer(prefix, drop = () => false) {
  let pending = '';
  /** @param {string[]} lines */
  const render = (lines) =>
    lines
      .filter((line) => !drop(line))
      .map((line) => `${prefix}${line}\n`)
      .join('');
  return {
    /** @param {string} chunk */
    push(chunk) {
      const lines = (pending + chunk).split(/\r?\n/);
      pending = lines.pop() ?? '';
      return render(lines);
    },
    flush() {
      const rest = pending;
      pending = '';
      return rest ? render([rest]) : '';
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Everything below touches the machine.

/**
 * PING over RESP (after AUTH when the URL has a password), with a short timeout.
 * @param {ReturnType<typeof parseRedisUrl>} redis
 * @returns {Promise<{ status: 'pong' } | { status: 'unreachable', detail: string } | { status: 'not-redis', detail: string }>}
 */
export function pingRedis(redis, timeoutMs = 1000) {
  return new Promise((done) => {
    const options = { host: redis.host, port: redis.port, servername: redis.host, rejectUnauthorized: false };
    const socket = redis.tls ? tls.connect(options) : net.connect(options);
    let answered = '';
    let connected = false;
    /** @param {{ status: 'pong' } | { status: 'unreachable', detail: string } | { status: 'not-redis', detail: string }} result */
    const finish = (result) => {
      socket.destroy();
      done(result);
    };
    socket.setTimeout(timeoutMs, () =>
      finish(
        connected
          ? { status: 'not-redis', detail: `no answer to PING within ${timeoutMs} ms` }
          : { status: 'unreachable', detail: `no connection within ${timeoutMs} ms` },
      ),
    );
    socket.on('error', (/** @type {NodeJS.ErrnoException} */ error) =>
      finish({ status: 'unreachable', detail: error.code ?? error.message }),
    );
    socket.once(redis.tls ? 'secureConnect' : 'connect', () => {
      connected = true;
      const auth = redis.password
        ? respCommand('AUTH', ...(redis.username ? [redis.username] : []), redis.password)
        : '';
      socket.write(auth + respCommand('PING'));
    });
    socket.on('data', (data) => {
      answered += data.toString('latin1');
      // With AUTH, the first reply is AUTH's (+OK or an error) and the second is PING's.
      let rest = answered;
      for (let i = 0; i < (redis.password ? 2 : 1); i++) {
        const reply = parseRespReply(rest);
        if (!reply) return;
        if (reply.kind === 'error') return finish({ status: 'not-redis', detail: `it answered "-${reply.text}"` });
        if (reply.kind === 'other') return finish({ status: 'not-redis', detail: `it answered "${reply.text}"` });
        rest = rest.slice(rest.indexOf('\r\n') + 2);
        if (i === (redis.password ? 1 : 0)) {
          finish(
            reply.text === 'PONG'
              ? { status: 'pong' }
              : { status: 'not-redis', detail: `it answered "+${reply.text}" to PING` },
          );
        }
      }
    });
  });
}

/** @param {string} name */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // Not in this directory.
    }
  }
  return false;
}

/** @param {string} command @param {string[]} args */
function succeeds(command, args, timeout = 10_000) {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout });
  return result.status === 0;
}

/** True when something accepts connections on the port, or the port cannot be listened on. */
function portTaken(/** @type {number} */ port) {
  const answers = new Promise((done) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(500, () => {
      socket.destroy();
      done(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
  const listenFails = new Promise((done) => {
    const server = net.createServer();
    server.once('error', () => done(true));
    // No host: the IPv6 wildcard, which also covers IPv4 where the system is dual-stack.
    server.listen({ port, exclusive: true }, () => server.close(() => done(false)));
  });
  return Promise.all([answers, listenFails]).then(([a, b]) => a || b);
}

const sleep = (/** @type {number} */ ms) => new Promise((done) => setTimeout(done, ms));

/** Set once this script begins to stop its children. */
let stopping = false;
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (/** @type {number} */ code, /** @type {string} */ text) =>
  useColor ? `\u001b[${code}m${text}\u001b[0m` : text;
const say = (/** @type {string} */ text) => process.stdout.write(`${paint(1, 'dev'.padEnd(9))} │ ${text}\n`);
const fail = (/** @type {string} */ text) => process.stderr.write(`\n${paint(31, text)}\n\n`);

/**
 * A child in its own process group, so that a stop reaches pnpm, tsx, Next and their workers alike,
 * and so that the terminal's Ctrl-C reaches only this script, which then stops them in order.
 * @param {string} name
 * @param {number} color
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: Record<string, string | undefined> }} options
 */
function startChild(name, color, command, args, { cwd, env }) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const label = `${paint(color, name.padEnd(9))} │ `;
  for (const [stream, target] of /** @type {const} */ ([
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ])) {
    // pnpm reports a script stopped by our SIGTERM as a failure; while stopping, that is noise.
    const prefixer = createLinePrefixer(label, (line) => stopping && /ELIFECYCLE/.test(line));
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => target.write(prefixer.push(chunk)));
    stream.on('end', () => target.write(prefixer.flush()));
  }
  const entry = {
    name,
    commandLine: [command, ...args].join(' '),
    child,
    /** Set once the direct child has exited (its group may live on until stopChild). */
    exit: /** @type {{ code: number | null, signal: NodeJS.Signals | null, error?: Error } | undefined} */ (undefined),
    /** @type {Promise<void>} */
    exited: Promise.resolve(),
  };
  entry.exited = new Promise((done) => {
    child.once('error', (error) => {
      entry.exit = { code: null, signal: null, error };
      done();
    });
    child.once('exit', (code, signal) => {
      entry.exit = { code, signal };
      done();
    });
  });
  return entry;
}

/** @typedef {ReturnType<typeof startChild>} Child */

/** @param {number | undefined} pid */
function groupAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** @param {number | undefined} pid @param {NodeJS.Signals} signal */
function signalGroup(pid, signal) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGTERM to the child's whole group, then wait until every process in it is gone (SIGKILL after 10 s). */
async function stopChild(/** @type {Child} */ entry, graceMs = 10_000) {
  const pid = entry.child.pid;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pid)) {
    say(`${entry.name} did not stop within ${graceMs / 1000} s; killing it`);
    signalGroup(pid, 'SIGKILL');
    while (groupAlive(pid)) await sleep(50);
  }
}

/**
 * Polls until the URL answers (any HTTP status when `anyStatus`, else 2xx), or the child exits.
 * @param {string} url @param {Child} entry @param {boolean} anyStatus
 */
async function waitUntilAnswers(url, entry, anyStatus) {
  const started = Date.now();
  let warned = false;
  while (!entry.exit) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
      await response.body?.cancel();
      if (anyStatus || response.ok) return true;
    } catch {
      // Not listening yet.
    }
    if (!warned && Date.now() - started > 90_000) {
      warned = true;
      say(`still waiting for ${url} (the ${entry.name} output above says why)`);
    }
    await sleep(500);
  }
  return false;
}

async function main() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  /** @type {ReturnType<typeof devConfig>} */
  let config;
  /** @type {ReturnType<typeof parseRedisUrl>} */
  let redis;
  try {
    config = devConfig(process.env, root);
    redis = parseRedisUrl(config.redisUrl);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }

  // Ports first: nothing gets started when the API or the dashboard could not listen anyway.
  for (const taken of [
    { port: config.apiPort, service: 'API', variable: 'PORT' },
    { port: config.dashboardPort, service: 'dashboard', variable: 'DASHBOARD_PORT' },
  ]) {
    if (await portTaken(taken.port)) {
      fail(portTakenMessage({ ...taken, suggestion: taken.port + 1 }));
      process.exit(1);
    }
  }

  /** The API and the dashboard, stopped first. @type {Child[]} */
  const apps = [];
  /** A redis-server this script started, stopped last. @type {Child | undefined} */
  let redisChild;
  /** The compose command that started the redis service, if it did. @type {string[] | undefined} */
  let composeStarted;
  const composeEnv = {
    ...process.env,
    REDIS_PORT: String(redis.port),
    // The compose file requires OPERATOR_TOKEN for the server; starting only Redis does not use it.
    OPERATOR_TOKEN: process.env.OPERATOR_TOKEN || 'unused-by-pnpm-dev-redis-only',
  };
  const everyChild = () => [...apps, ...(redisChild ? [redisChild] : [])];

  /** @param {number} code */
  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    await Promise.all(apps.map((entry) => stopChild(entry)));
    // Redis last: the API still talks to it while it shuts down.
    if (redisChild) await stopChild(redisChild);
    if (composeStarted) {
      const [command = 'docker', ...args] = composeStarted;
      spawnSync(command, [...args, 'stop', 'redis'], { cwd: root, env: composeEnv, stdio: 'inherit' });
    }
    say('stopped');
    process.exit(code);
  };
  /** A child that exits by itself takes everything down: a half-running OnAir only misleads. */
  const watch = (/** @type {Child} */ entry) => {
    void entry.exited.then(() => {
      if (stopping) return;
      const exit = entry.exit;
      const how = exit?.error
        ? `could not start (${exit.error.message})`
        : `exited (${exit?.signal ?? `code ${exit?.code}`})`;
      fail(`The ${entry.name} (\`${entry.commandLine}\`) ${how}; its output is above. Stopping everything.`);
      void shutdown(1);
    });
  };
  const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
    if (stopping) {
      // A second Ctrl-C: stop waiting.
      for (const entry of everyChild()) signalGroup(entry.child.pid, 'SIGKILL');
      process.exit(1);
    }
    void shutdown(signal === 'SIGINT' ? 0 : 128 + (signal === 'SIGTERM' ? 15 : 1));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // Should this script die some other way, it takes its children with it.
  process.on('exit', () => {
    for (const entry of everyChild()) signalGroup(entry.child.pid, 'SIGKILL');
  });

  // Redis: the one that answers, or one started here.
  const probe = await pingRedis(redis);
  /** @type {string[] | null} */
  let composeCommand = null;
  let dockerRunning = false;
  if (probe.status === 'unreachable' && redis.local && onPath('docker') && succeeds('docker', ['info'])) {
    dockerRunning = true;
    if (succeeds('docker', ['compose', 'version'])) composeCommand = ['docker', 'compose'];
    else if (onPath('docker-compose')) composeCommand = ['docker-compose'];
  }
  const strategy = chooseRedisStrategy({
    redis,
    probe,
    dockerRunning,
    composeCommand,
    redisServerOnPath: onPath('redis-server'),
  });
  let redisDescription = `${redactUrl(redis.url)} (already running)`;
  if (strategy.kind === 'fail') {
    fail(missingRedisMessage({ url: redis.url, reason: strategy.reason, detail: strategy.detail }));
    process.exit(1);
  }
  if (strategy.kind === 'compose') {
    const [command = 'docker', ...args] = strategy.command;
    const shown = `${strategy.command.join(' ')} up -d redis`;
    say(`no Redis answers at ${redactUrl(redis.url)}; starting one with \`${shown}\``);
    const up = spawnSync(command, [...args, 'up', '-d', 'redis'], { cwd: root, env: composeEnv, stdio: 'inherit' });
    if (up.status !== 0) {
      fail(`\`${shown}\` failed (see above). Set REDIS_URL to a running Redis instead.`);
      process.exit(1);
    }
    composeStarted = strategy.command;
    redisDescription = `${redactUrl(redis.url)} (compose service redis, stopped on exit)`;
  }
  if (strategy.kind === 'redis-server') {
    const dir = join(config.dataDir, 'redis');
    mkdirSync(dir, { recursive: true });
    say(`no Redis answers at ${redactUrl(redis.url)}; starting redis-server on port ${redis.port}`);
    const args = redisServerArgs({ port: redis.port, dir, host: redis.host, password: redis.password });
    redisChild = startChild('redis', 35, 'redis-server', args, { cwd: root, env: process.env });
    redisDescription = `${redactUrl(redis.url)} (redis-server started by pnpm dev, stopped on exit)`;
  }
  if (strategy.kind !== 'use-existing') {
    const deadline = Date.now() + 30_000;
    let answered = false;
    while (!answered && Date.now() < deadline && !redisChild?.exit) {
      answered = (await pingRedis(redis, 500)).status === 'pong';
      if (!answered) await sleep(200);
    }
    if (!answered) {
      fail(
        `The Redis that pnpm dev started does not answer at ${redactUrl(redis.url)} (its output is above).\n` +
          `Is port ${redis.port} taken by something else? Set REDIS_URL to a running Redis, or to a free port.`,
      );
      await shutdown(1);
      return;
    }
    if (redisChild) watch(redisChild);
  }

  // The API and the dashboard.
  mkdirSync(config.dataDir, { recursive: true });
  const api = startChild('api', 36, config.api.command, config.api.args, { cwd: root, env: config.api.env });
  const dashboard = startChild('dashboard', 33, config.dashboard.command, config.dashboard.args, {
    cwd: root,
    env: config.dashboard.env,
  });
  apps.push(api, dashboard);
  watch(api);
  watch(dashboard);

  const [apiReady, dashboardReady] = await Promise.all([
    waitUntilAnswers(config.readyUrl, api, false),
    waitUntilAnswers(config.dashboardProbeUrl, dashboard, true),
  ]);
  if (!apiReady || !dashboardReady || stopping) return;

  const tokenFile = join(config.dataDir, 'operator-token');
  let saved;
  try {
    saved = readFileSync(tokenFile, 'utf8');
  } catch {
    saved = undefined;
  }
  process.stdout.write(
    readyBanner({
      dashboardUrl: config.dashboardUrl,
      trpcUrl: config.trpcUrl,
      boardUrl: config.boardUrl,
      token: operatorTokenLine({ configured: process.env.OPERATOR_TOKEN, saved, file: tokenFile }),
      redis: redisDescription,
    }),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main();
}
