// `pnpm demo`: `pnpm dev`, then traffic, so that a newcomer sees OnAir work within a minute: a few
// lives with simulated audiences of different sizes moving on the dashboard, and after about 40 s one
// of them ends and its short video goes through the pipeline.
//
// `pnpm dev` (scripts/dev.mjs) runs as a child and owns Redis, the API and the dashboard; it sets
// ENABLE_SIMULATOR=on, so the audiences are simulated by the server (demo.startAudience), exactly
// like the dashboard's own "simulated viewers" control. Ctrl-C stops everything, as in `pnpm dev`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { devConfig } from './dev.mjs';

/** The lives of the demo, and the audience each gets (none for the one left scheduled). */
const LIVES = [
  { title: 'Spring sneakers drop', audience: 320, rampSeconds: 25 },
  { title: 'Kitchen gadgets, live tested', audience: 180, rampSeconds: 20 },
  { title: 'Vintage denim auction', audience: 90, rampSeconds: 15 },
  { title: 'Skincare Q&A (starts later)', audience: 0, rampSeconds: 0 },
];
/** How long the first live runs before it ends into a short video. */
const END_AFTER_MS = 40_000;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (/** @type {number} */ ms) => new Promise((done) => setTimeout(done, ms));
const say = (/** @type {string} */ text) => process.stdout.write(`${'demo'.padEnd(9)} │ ${text}\n`);

/**
 * One tRPC call in plain JSON (the API uses no transformer): a query as GET with `?input=`, a
 * mutation as POST; the API's own error message when it refuses.
 * @param {string} trpcUrl @param {string} token
 */
function apiCaller(trpcUrl, token) {
  /** @param {'query' | 'mutation'} kind @param {string} path @param {unknown} input */
  return async (kind, path, input) => {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const response =
      kind === 'query'
        ? await fetch(`${trpcUrl}/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
        : await fetch(`${trpcUrl}/${path}`, { method: 'POST', headers, body: JSON.stringify(input) });
    const body = await response.json();
    if (!response.ok) throw new Error(`${path}: ${body?.error?.message ?? `HTTP ${response.status}`}`);
    return body.result.data;
  };
}

/** Resolves once the URL answers 2xx; rejects if `pnpm dev` exits first. @param {string} url @param {Promise<unknown>} devExited */
async function whenAnswering(url, devExited) {
  let exited = false;
  void devExited.then(() => {
    exited = true;
  });
  while (!exited) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(500);
  }
  throw new Error('pnpm dev stopped before OnAir was ready (its output above says why)');
}

function operatorToken(/** @type {string} */ dataDir) {
  if (process.env.OPERATOR_TOKEN) return process.env.OPERATOR_TOKEN;
  return readFileSync(join(dataDir, 'operator-token'), 'utf8').trim();
}

/** The ids of the lives this demo created: it ends them when it stops, so none is left on air. */
const started = new Set();

/**
 * Ends (or cancels) every live this demo created that has not ended, each within a few seconds.
 * @param {ReturnType<typeof apiCaller>} call
 */
async function endDemoLives(call) {
  const ids = [...started];
  started.clear();
  const results = await Promise.allSettled(
    ids.map((id) =>
      Promise.race([
        call('mutation', 'live.end', { id }),
        sleep(5_000).then(() => Promise.reject(new Error('timed out'))),
      ]),
    ),
  );
  const failed = results.filter((result) => result.status === 'rejected').length;
  if (ids.length > 0)
    say(`ended the demo's ${ids.length - failed} lives${failed ? ` (${failed} could not be ended)` : ''}`);
}

/**
 * Opens every page once, as the operator will, before saying the demo is running: `next dev` compiles
 * a page on its first request, which takes seconds; after this, each opens in well under 3 s.
 * @param {string} dashboardUrl @param {string} token @param {string | undefined} liveId
 */
async function warmPages(dashboardUrl, token, liveId) {
  const pages = ['/sign-in', '/', '/videos', '/admin/queues', ...(liveId ? [`/lives/${liveId}`] : [])];
  const started = Date.now();
  for (const path of pages) {
    await fetch(new URL(path, dashboardUrl), {
      headers: { cookie: `onair_operator=${token}`, accept: 'text/html' },
      redirect: 'manual',
      signal: AbortSignal.timeout(120_000),
    })
      .then((response) => response.arrayBuffer())
      .catch(() => {});
  }
  say(`dashboard pages ready (${((Date.now() - started) / 1000).toFixed(1)} s to compile them)`);
}

/** @param {ReturnType<typeof apiCaller>} call @param {string} dashboardUrl @param {string} token */
async function driveTraffic(call, dashboardUrl, token) {
  const stamp = new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  const lives = [];
  for (const plan of LIVES) {
    const live = await call('mutation', 'live.create', { title: `${plan.title} · ${stamp}` });
    started.add(live.id);
    lives.push({ ...plan, live });
    if (plan.audience === 0) {
      say(`created "${live.title}" (left scheduled)`);
      continue;
    }
    await call('mutation', 'live.start', { id: live.id });
    await call('mutation', 'demo.startAudience', {
      liveId: live.id,
      audience: plan.audience,
      rampSeconds: plan.rampSeconds,
    });
    say(`started "${live.title}": ${plan.audience} simulated viewers arriving over ${plan.rampSeconds} s`);
  }
  await warmPages(dashboardUrl, token, lives[0]?.live.id);
  say('');
  say(`Open the dashboard: ${dashboardUrl}   (operator token: ${token})`);
  say(`In about ${END_AFTER_MS / 1000} s the first live ends and its short video goes through the pipeline.`);
  say('');

  const [first] = lives;
  if (!first) return;
  const endAt = Date.now() + END_AFTER_MS;
  while (Date.now() < endAt) {
    const onAir = await Promise.all(
      lives
        .filter((entry) => entry.audience > 0)
        .map((entry) => call('query', 'viewer.stats', { liveId: entry.live.id })),
    );
    say(
      `watching now: ${onAir.map((stats) => stats.current).join(' · ')}   (peaks ${onAir.map((s) => s.peak).join(' · ')})`,
    );
    await sleep(5_000);
  }

  await call('mutation', 'live.end', { id: first.live.id });
  say(`ended "${first.live.title}"; following its short video:`);
  let shown = '';
  // A real clip is cut with ffmpeg: give a busy machine a few minutes.
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const { items } = await call('query', 'shortVideo.list', { liveId: first.live.id, limit: 1 });
    const video = items[0];
    const state = video
      ? `${video.status}${video.status === 'PROCESSING' ? ` ${video.progress}%` : ''}`
      : 'waiting for the pipeline';
    if (state !== shown) {
      say(`  short video: ${state}`);
      shown = state;
    }
    if (video?.status === 'READY')
      say(`  watch it: ${dashboardUrl}/lives/${first.live.id} (the clip: ${dashboardUrl}${video.videoUrl})`);
    if (video?.status === 'FAILED') say(`  it failed: ${video.error}`);
    if (video?.status === 'READY' || video?.status === 'FAILED') break;
    await sleep(250);
  }
  say('');
  say(`The other lives keep their audiences. Dashboard: ${dashboardUrl}. Ctrl-C stops everything.`);
}

async function main() {
  const config = devConfig(process.env);
  // Detached (a process group of its own): a Ctrl-C in the terminal reaches this script only, which
  // ends the demo's lives while the API still answers, then stops `pnpm dev`, which stops its children in order.
  const dev = spawn(process.execPath, [join(root, 'scripts', 'dev.mjs')], {
    cwd: root,
    stdio: 'inherit',
    detached: true,
  });
  const devExited = new Promise((done) => dev.once('exit', (code, signal) => done(code ?? (signal ? 1 : 0))));
  void devExited.then((code) => process.exit(typeof code === 'number' ? code : 1));
  /** @type {ReturnType<typeof apiCaller> | undefined} */
  let call;
  let stopping = false;
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void (call ? endDemoLives(call) : Promise.resolve()).finally(() => dev.kill(signal));
    });
  }
  // Should this script die without a signal, `pnpm dev` is not left running on its own.
  process.on('exit', () => {
    if (dev.exitCode === null) dev.kill('SIGTERM');
  });

  try {
    await whenAnswering(config.readyUrl, devExited);
    await whenAnswering(config.dashboardProbeUrl, devExited);
    const token = operatorToken(config.dataDir);
    call = apiCaller(config.trpcUrl, token);
    await driveTraffic(call, config.dashboardUrl, token);
  } catch (error) {
    // Stopping: the traffic's calls fail as the API goes away, which needs no explaining.
    if (stopping) return;
    const message = error instanceof Error ? error.message : String(error);
    say(`traffic stopped: ${message}`);
    if (/ENABLE_SIMULATOR|simulator is off/.test(message)) {
      say('The simulated audiences need ENABLE_SIMULATOR=on (pnpm dev sets it unless the environment says otherwise).');
    }
    say('pnpm dev keeps running; Ctrl-C stops it.');
  }
}

void main();
