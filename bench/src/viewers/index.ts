import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deleteKeysMatching } from '@onair/api';
import { Redis } from 'ioredis';
import { git, machineFacts, shortCommit } from '../machine';
import { resultsDir, writeResults } from '../results';
import { type FanoutResult, type JoinsResult, Measurements, medianOfRounds, type Target } from './measure';
import { benchViewerSecret, JoinDriver, type OnAirKind, type OnAirServer, startOnAir } from './onair';
import { Child, freePort, type Message, sleep } from './proc';
import { renderReport, type ViewersResults } from './report';

const scriptsDir = dirname(fileURLToPath(import.meta.url));
const benchDir = resolve(scriptsDir, '../..');
const repoRoot = resolve(benchDir, '..');
/** Every server runs with a full GC on SIGUSR2, which (c) uses before reading RSS. */
const gcOnSignal = ['--expose-gc', '--import', pathToFileURL(join(scriptsDir, 'gc-on-signal.mjs')).href];

export interface ViewersBenchOptions {
  /** Measured seconds of each fan-out run (default 10, BENCH_SECONDS). */
  seconds?: number;
  /** Warm-up seconds before the first joins run of each kind (default 3, BENCH_WARMUP_SECONDS). */
  warmupSec?: number;
  /** Rounds of joins runs, alternating OnAir and bare (default 3, BENCH_JOIN_ROUNDS). */
  joinRounds?: number;
  /** Measured seconds of each joins round (default 4, BENCH_JOIN_SECONDS). */
  joinSeconds?: number;
  /** Subscriber counts of (b) (default 1000 and 5000, BENCH_FANOUT_SIZES="1000,5000"). */
  fanoutSizes?: number[];
  /** Idle subscribers of (c) (default 2000, BENCH_MEMORY_SUBSCRIBERS). */
  memorySubscribers?: number;
  /** Sections to run (default all, BENCH_SECTIONS="joins,fanout,memory"). */
  sections?: ('joins' | 'fanout' | 'memory')[];
  /** Also time OnAir's update path alone, 10 subscribers at 10 and 5 changes/s (default true, BENCH_DIAGNOSIS=0 to skip). */
  diagnosis?: boolean;
  /** Also measure joins with the data plane off (default true, BENCH_GENERIC=0 to skip). */
  generic?: boolean;
  /** Write the report to bench/results/viewers.md and its figures to viewers.json (default true, BENCH_WRITE=0 not to). */
  write?: boolean;
  /** Extra node flags for the OnAir server, e.g. --cpu-prof (BENCH_ONAIR_NODE_ARGS). */
  onairNodeArgs?: string[];
  redisUrl?: string;
  verbose?: boolean;
}

function optionsFromEnv(): ViewersBenchOptions {
  const env = process.env;
  const list = (value: string | undefined) => value?.split(/[\s,]+/).filter(Boolean);
  const number = (value: string | undefined) => (value ? Number(value) : undefined);
  const options: ViewersBenchOptions = {};
  if (env.BENCH_SECONDS) options.seconds = number(env.BENCH_SECONDS);
  if (env.BENCH_WARMUP_SECONDS) options.warmupSec = number(env.BENCH_WARMUP_SECONDS);
  if (env.BENCH_JOIN_ROUNDS) options.joinRounds = number(env.BENCH_JOIN_ROUNDS);
  if (env.BENCH_JOIN_SECONDS) options.joinSeconds = number(env.BENCH_JOIN_SECONDS);
  if (env.BENCH_FANOUT_SIZES) options.fanoutSizes = list(env.BENCH_FANOUT_SIZES)?.map(Number);
  if (env.BENCH_MEMORY_SUBSCRIBERS) options.memorySubscribers = number(env.BENCH_MEMORY_SUBSCRIBERS);
  if (env.BENCH_SECTIONS) options.sections = list(env.BENCH_SECTIONS) as ViewersBenchOptions['sections'];
  if (env.BENCH_GENERIC) options.generic = env.BENCH_GENERIC !== '0';
  if (env.BENCH_DIAGNOSIS) options.diagnosis = env.BENCH_DIAGNOSIS !== '0';
  if (env.BENCH_WRITE) options.write = env.BENCH_WRITE !== '0';
  if (env.BENCH_ONAIR_NODE_ARGS) options.onairNodeArgs = list(env.BENCH_ONAIR_NODE_ARGS);
  if (env.BENCH_VERBOSE) options.verbose = env.BENCH_VERBOSE !== '0';
  if (env.BENCH_REDIS_URL) options.redisUrl = env.BENCH_REDIS_URL;
  return options;
}

const loadedAt = performance.now();
const log = (message: string) =>
  process.stderr.write(
    `[viewers bench ${((performance.now() - loadedAt) / 1000).toFixed(0).padStart(3)} s] ${message}\n`,
  );

/** A bare server script as a child; resolves once it printed `listening`. */
async function startBare(script: string, args: string[], verbose: boolean): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const child = new Child(script, join(scriptsDir, script), [String(port), ...args], {
    cwd: benchDir,
    verbose,
    nodeArgs: gcOnSignal,
  });
  try {
    await child.next('listening', 30_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { child, port };
}

const targetOf = (name: string, child: Child, port: number): Target => ({ name, pid: child.pid, port });

function ensureServerBuilt(): void {
  if (existsSync(join(repoRoot, 'apps/server/dist/main.js'))) return;
  log('apps/server/dist/main.js missing: building it (pnpm --filter @onair/server build)');
  execFileSync('node', ['build.mjs'], { cwd: join(repoRoot, 'apps/server'), stdio: 'inherit' });
}

/**
 * The viewers benchmark (issue 3 item 7): (a) joins per second, (b) count-update fan-out at 1,000
 * and 5,000 subscribers, (c) memory per idle subscriber — each OnAir figure beside the bare Node
 * figure measured in the same run. Returns the markdown report (and writes bench/results/viewers.md and .json).
 */
export async function runViewersBench(overrides: ViewersBenchOptions = {}): Promise<string> {
  const options = { ...optionsFromEnv(), ...overrides };
  const seconds = options.seconds ?? 10;
  const warmupSec = options.warmupSec ?? 3;
  const joinRounds = options.joinRounds ?? 3;
  const joinSeconds = options.joinSeconds ?? 4;
  const fanoutSizes = options.fanoutSizes ?? [1000, 5000];
  const memorySubscribers = options.memorySubscribers ?? 2000;
  const sections = new Set(options.sections ?? ['joins', 'fanout', 'memory']);
  const verbose = options.verbose ?? false;
  const redisUrl = options.redisUrl ?? 'redis://127.0.0.1:6379';
  const connections = 50;
  const batch = 10;

  ensureServerBuilt();
  const startedAt = performance.now();
  const prefix = `onair-bench-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  // The servers' memoryUsage() after a forced GC lands here (gc-on-signal.mjs; children inherit the variable).
  const gcReportDir = mkdtempSync(join(os.tmpdir(), 'onair-bench-gc-'));
  process.env.BENCH_GC_REPORT_DIR = gcReportDir;
  const measure = new Measurements(scriptsDir, redis, verbose, gcReportDir);
  const redisVersion = /^redis_version:(\S+)/m.exec(await redis.info('server'))?.[1] ?? '?';
  const dirty = git(repoRoot, 'status', '--porcelain', '--untracked-files=no') !== '';
  const results: ViewersResults = {
    machine: {
      ...machineFacts(),
      redis: redisVersion,
      commit: `commit ${shortCommit(repoRoot)}${dirty ? ' with uncommitted changes in the working tree' : ''}`,
      durationSec: 0,
    },
  };

  const running: { stop(): Promise<void> }[] = [];
  const track = <T extends { stop(): Promise<void> }>(server: T): T => {
    running.push(server);
    return server;
  };
  const release = async <T extends { stop(): Promise<void> }>(server: T) => {
    running.splice(running.indexOf(server), 1);
    await server.stop();
  };
  // Every OnAir of the run shares the Redis and the verbosity, each under a Redis prefix of its own.
  const startTrackedOnAir = async (kind: OnAirKind, name: string, nodeArgs: string[] = []) =>
    track(
      await startOnAir({ kind, repoRoot, benchDir, redisUrl, redisPrefix: `${prefix}:${name}`, nodeArgs, verbose }),
    );

  try {
    log(`Redis prefix ${prefix}; starting OnAir (apps/server/dist/main.js)`);
    const onair = await startTrackedOnAir('data-plane', 'onair', [...gcOnSignal, ...(options.onairNodeArgs ?? [])]);
    const onairTarget = targetOf('OnAir', onair.child, onair.api.port);
    const onStats = (liveId: string) => `/trpc/viewer.onStats?input=${encodeURIComponent(JSON.stringify({ liveId }))}`;

    if (sections.has('memory')) {
      const liveId = await onair.api.createLive('bench: idle subscribers');
      log(`(c) memory: bare broadcaster, ${memorySubscribers} idle subscribers`);
      const bare = await startBare('bare-sse-server.mjs', ['0'], verbose);
      track(bare.child);
      const bareMemory = await measure.memory(targetOf('bare', bare.child, bare.port), {
        n: memorySubscribers,
        path: '/sse',
      });
      await release(bare.child);
      log(`(c) memory: OnAir, ${memorySubscribers} idle subscribers`);
      const onairMemory = await measure.memory(onairTarget, { n: memorySubscribers, path: onStats(liveId) });
      results.memory = { onair: onairMemory, bare: bareMemory };
    }

    if (sections.has('fanout')) {
      const sizes: { onair: FanoutResult; bare: FanoutResult }[] = [];
      for (const n of fanoutSizes) {
        log(`(b) fan-out: bare broadcaster, ${n} subscribers`);
        const bare = await startBare('bare-sse-server.mjs', ['100'], verbose);
        track(bare.child);
        const bareResult = await measure.fanout(targetOf('bare', bare.child, bare.port), { n, path: '/sse', seconds });
        await release(bare.child);
        log(`(b) fan-out: OnAir, ${n} subscribers`);
        const liveId = await onair.api.createLive(`bench: fan-out to ${n}`);
        const driver = new JoinDriver(onair.api, liveId, `fanout-${n}`);
        driver.start();
        let onairResult: FanoutResult;
        try {
          onairResult = await measure.fanout(onairTarget, {
            n,
            path: onStats(liveId),
            seconds,
            driver,
            pubsubChannel: `${prefix}:onair:rt:{live:${liveId}}:viewers.stats`,
            metrics: true,
          });
        } finally {
          driver.stop();
        }
        if (driver.errors > 0) log(`warning: ${driver.errors} joins of the driver failed`);
        sizes.push({ onair: onairResult, bare: bareResult });
        await sleep(1_000);
      }
      // Diagnosis: the update path alone (10 subscribers), at 10 and at 5 changes a second.
      const updatePath: { updatesPerSec: number; result: FanoutResult }[] = [];
      if (options.diagnosis ?? true) {
        for (const intervalMs of [100, 200]) {
          log(`(b) update path: OnAir, 10 subscribers, a change every ${intervalMs} ms`);
          const liveId = await onair.api.createLive(`bench: update path every ${intervalMs} ms`);
          const driver = new JoinDriver(onair.api, liveId, `path-${intervalMs}`, intervalMs);
          driver.start();
          try {
            const result = await measure.fanout(onairTarget, {
              n: 10,
              path: onStats(liveId),
              seconds: 4,
              driver,
              pubsubChannel: `${prefix}:onair:rt:{live:${liveId}}:viewers.stats`,
              metrics: true,
            });
            updatePath.push({ updatesPerSec: 1000 / intervalMs, result });
          } finally {
            driver.stop();
          }
        }
      }
      results.fanout = { seconds, sizes, updatePath };
    }

    if (sections.has('joins')) {
      const liveId = await onair.api.createLive('bench: joins');
      const joined = (await onair.api.join(liveId, 'probe')) as Message;
      if (typeof joined !== 'object' || joined === null || !('stats' in joined)) {
        throw new Error(`viewer.join answered ${JSON.stringify(joined)}`);
      }
      const bareLive = `00000000-0000-4000-8000-${randomBytes(6).toString('hex')}`;
      const luaPath = join(repoRoot, 'packages/api/src/viewers/lua/join.lua');
      const bare = await startBare('bare-join-server.mjs', [redisUrl, `${prefix}:bare`, bareLive, luaPath], verbose);
      track(bare.child);
      const bareTarget = targetOf('bare', bare.child, bare.port);
      const batchedPath = `/trpc/${Array.from({ length: batch }, () => 'viewer.join').join(',')}?batch=1`;
      const configs: {
        name: string;
        target: typeof bareTarget;
        path: string;
        liveId: string;
        batch: number;
        viewerSecret?: string;
      }[] = [
        { name: 'bare unbatched', target: bareTarget, path: '/join', liveId: bareLive, batch: 1 },
        { name: 'OnAir unbatched', target: onairTarget, path: '/trpc/viewer.join', liveId, batch: 1 },
        {
          name: 'OnAir unbatched, viewer tokens',
          target: onairTarget,
          path: '/trpc/viewer.join',
          liveId,
          batch: 1,
          viewerSecret: benchViewerSecret,
        },
        { name: `bare batched ×${batch}`, target: bareTarget, path: '/join?batch=1', liveId: bareLive, batch },
        { name: `OnAir batched ×${batch}`, target: onairTarget, path: batchedPath, liveId, batch },
      ];
      let generic: OnAirServer | undefined;
      if (options.generic ?? true) {
        // Context: the same server with the data plane off (tRPC's generic path), idle until its turn.
        log('(a) joins: starting OnAir with the data plane off (tRPC generic path, via tsx)');
        generic = await startTrackedOnAir('generic', 'generic');
        const genericLive = await generic.api.createLive('bench: joins, generic path');
        const genericTarget = targetOf('generic', generic.child, generic.api.port);
        configs.push({
          name: 'OnAir, data plane off',
          target: genericTarget,
          path: '/trpc/viewer.join',
          liveId: genericLive,
          batch: 1,
        });
      }
      // Rounds alternate OnAir and bare so that both see the same moments of a shared machine.
      const measured: JoinsResult[][] = configs.map(() => []);
      for (let round = 0; round < joinRounds; round++) {
        for (const [index, config] of configs.entries()) {
          log(`(a) joins: ${config.name}, round ${round + 1} of ${joinRounds}`);
          const { name, ...run } = config;
          measured[index]?.push(
            await measure.joins(name, config.target, {
              ...run,
              connections,
              warmupSec: round === 0 ? warmupSec : 0.5,
              seconds: joinSeconds,
            }),
          );
        }
      }
      await release(bare.child);
      if (generic) await release(generic);
      const [bareUnbatched, onairUnbatched, onairTokens, bareBatched, onairBatched, genericResult] =
        measured.map(medianOfRounds);
      if (!bareUnbatched || !onairUnbatched || !onairTokens || !bareBatched || !onairBatched)
        throw new Error('joins runs missing');
      results.joins = {
        seconds: joinSeconds,
        rounds: joinRounds,
        warmupSec,
        connections,
        onairUnbatched,
        onairTokens,
        bareUnbatched,
        onairBatched,
        bareBatched,
        ...(genericResult ? { generic: genericResult } : {}),
      };
    }
  } finally {
    for (const server of running.reverse()) await server.stop().catch(() => {});
    const deleted = await deleteKeysMatching(redis, `${prefix}:*`).catch((error: unknown) => {
      log(`could not delete the bench keys ${prefix}:*: ${String(error)}`);
      return 0;
    });
    log(`deleted ${deleted} Redis keys under ${prefix}:`);
    rmSync(gcReportDir, { recursive: true, force: true });
    delete process.env.BENCH_GC_REPORT_DIR;
    redis.disconnect();
  }

  results.machine.durationSec = (performance.now() - startedAt) / 1000;
  const report = renderReport(results);
  if (options.write ?? true) {
    writeResults('viewers', report, results);
    log(`report and figures written to ${join(resultsDir, 'viewers')}.{md,json}`);
  }
  return report;
}
