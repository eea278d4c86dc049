import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appRouter, createLogger, createOnAir, loadEnv, type OnAir, type ShortVideo } from '@onair/api';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { machineFacts, machineLine, shortCommit } from './machine';
import { markdownTable } from './markdown-table';
import { deleteKeysAt } from './redis-keys';
import { writeResults } from './results';

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(benchDir, '..');
const log = (message: string) => process.stderr.write(`[pipeline bench] ${message}\n`);

export interface PipelineBenchOptions {
  /** Videos of the throughput run (default 2,000, BENCH_PIPELINE_VIDEOS). */
  videos?: number;
  /** Sequential live.end → READY samples (default 200, BENCH_PIPELINE_SAMPLES). */
  samples?: number;
  /** WORKER_CONCURRENCY of OnAir and of the bare worker (default 8, BENCH_PIPELINE_CONCURRENCY). */
  concurrency?: number;
  /** Write bench/results/pipeline.md and pipeline.json (default true, BENCH_WRITE=0 not to). */
  write?: boolean;
  redisUrl?: string;
  /** The PostgreSQL server; a database is created for the run and dropped after it. */
  postgresUrl?: string;
}

export interface PipelineResults {
  videos: number;
  samples: number;
  concurrency: number;
  /** Pipeline alone: lives ended first, then relay, consumers and worker drain them. */
  drainPerSec: number;
  /** With 32 live.end calls in flight while the pipeline runs. */
  withEndsPerSec: number;
  barePerSec: number;
  /** CPU (user + system) per job of the bare run: queue and worker, both in this process. */
  bareCpuMs: number;
  /** CPU per video during the drain: this process (API: relay, consumers, the watcher) and the worker's. */
  drainCpuMs: { api: number; worker: number | undefined };
  p50Ms: number;
  p99Ms: number;
  machine: string;
}

const targets = { ratio: 0.2, p50Ms: 100 };

function optionsFromEnv(): PipelineBenchOptions {
  const env = process.env;
  const options: PipelineBenchOptions = {};
  if (env.BENCH_PIPELINE_VIDEOS) options.videos = Number(env.BENCH_PIPELINE_VIDEOS);
  if (env.BENCH_PIPELINE_SAMPLES) options.samples = Number(env.BENCH_PIPELINE_SAMPLES);
  if (env.BENCH_PIPELINE_CONCURRENCY) options.concurrency = Number(env.BENCH_PIPELINE_CONCURRENCY);
  if (env.BENCH_WRITE) options.write = env.BENCH_WRITE !== '0';
  if (env.BENCH_REDIS_URL) options.redisUrl = env.BENCH_REDIS_URL;
  if (env.BENCH_POSTGRES_URL) options.postgresUrl = env.BENCH_POSTGRES_URL;
  return options;
}

/**
 * The short-video pipeline benchmark (issue 4 item 7): short videos completed per second end to end
 * (live.end through the outbox, the event stream, the consumer, the queue and the worker's four
 * stages to READY) on PostgreSQL with zero stage time, as a ratio to a bare BullMQ no-op worker at
 * the same concurrency in the same run; and the live.end → READY latency, one live at a time.
 * The API (procedures, relay, consumers) runs in this process and the worker in its own, as deployed
 * with PostgreSQL.
 */
export async function runPipelineBench(overrides: PipelineBenchOptions = {}): Promise<string> {
  const options = { ...optionsFromEnv(), ...overrides };
  const videos = options.videos ?? 2_000;
  const samples = options.samples ?? 200;
  const concurrency = options.concurrency ?? 8;
  const redisUrl = options.redisUrl ?? 'redis://127.0.0.1:6379';
  const postgresUrl = options.postgresUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const prefix = `onair-bench-${randomBytes(4).toString('hex')}`;
  const startedAt = performance.now();

  log(`bare BullMQ no-op worker, concurrency ${concurrency}, ${videos * 5} jobs`);
  const bare = await bareWorkerRate(redisUrl, `${prefix}-bare`, concurrency, videos * 5);

  const database = await createDatabase(postgresUrl);
  const dataDir = mkdtempSync(join(os.tmpdir(), 'onair-bench-'));
  const operatorToken = randomBytes(24).toString('hex');
  // Production refuses to start without a way to verify viewer tokens; no viewer joins here.
  const viewerTokenSecret = randomBytes(32).toString('hex');
  const instances: OnAir[] = [];
  let worker: ChildProcess | undefined;
  try {
    // What the API instances and the worker share, as a deployment's configuration gives it to both.
    const shared = {
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      OPERATOR_TOKEN: operatorToken,
      VIEWER_TOKEN_SECRET: viewerTokenSecret,
    };
    const env = loadEnv({ ...shared, NODE_ENV: 'production', LOG_LEVEL: 'warn', WORKER: 'off' });
    const openApi = async () => {
      const instance = await createOnAir({ env, logger: createLogger(env, 'onair-bench'), operatorToken });
      instances.push(instance);
      // Through the procedures, as a client's call would go (validation, authorization), minus HTTP.
      const operator = appRouter.createCaller({
        onair: instance,
        authorization: `Bearer ${operatorToken}`,
        clientAddress: '127.0.0.1',
      });
      const onAir = async (count: number) => {
        const ids: string[] = [];
        for (let index = 0; index < count; index++) {
          const live = await operator.live.create({ title: `Bench live ${index}` });
          await operator.live.start({ id: live.id });
          ids.push(live.id);
        }
        return ids;
      };
      return { instance, end: (id: string) => operator.live.end({ id }), onAir, watcher: watchReady(instance) };
    };
    worker = await startWorker({
      ...shared,
      WORKER_CONCURRENCY: String(concurrency),
      SHORT_VIDEO_STAGE_MS: '0',
      SHORT_VIDEO_FAILURE_RATE: '0',
      // The pipeline's own cost, without cutting clips (the media bench measures the render).
      SHORT_VIDEO_MEDIA: 'off',
    });

    log('warm-up');
    const warm = await openApi();
    warm.instance.start();
    await endAll(await warm.onAir(200), warm.end, warm.watcher, 32);
    warm.watcher.stop();
    await warm.instance.close();

    // As the bare figure: the work is queued first (every live.end committed, its event in the outbox),
    // then the pipeline starts and drains it.
    log(`drain: ${videos} lives ended before the relay and consumers start`);
    const api = await openApi();
    const drained = await api.onAir(videos);
    await endAll(drained, api.end, undefined, 32);
    log('drain: relay and consumers started');
    const drainStarted = performance.now();
    const cpuBefore = { api: process.cpuUsage(), worker: cpuMsOf(worker?.pid) };
    const allReady = Promise.all(drained.map((id) => api.watcher.until(id)));
    await profiled('api-drain', async () => {
      api.instance.start();
      await allReady;
    });
    const drainPerSec = videos / ((performance.now() - drainStarted) / 1000);
    const { user, system } = process.cpuUsage(cpuBefore.api);
    const workerCpuMs = cpuMsOf(worker?.pid);
    const drainCpuMs = {
      api: (user + system) / 1000 / videos,
      worker:
        workerCpuMs === undefined || cpuBefore.worker === undefined
          ? undefined
          : (workerCpuMs - cpuBefore.worker) / videos,
    };

    log(`ends in the loop: ${videos} lives end, 32 live.end calls in flight`);
    const ended = await api.onAir(videos);
    const withEndsPerSec = videos / ((await endAll(ended, api.end, api.watcher, 32)) / 1000);

    log(`latency: ${samples} lives end one at a time`);
    const latencies: number[] = [];
    for (const id of await api.onAir(samples)) latencies.push(await endAll([id], api.end, api.watcher, 1));
    latencies.sort((a, b) => a - b);
    api.watcher.stop();

    const results: PipelineResults = {
      videos,
      samples,
      concurrency,
      drainPerSec,
      withEndsPerSec,
      barePerSec: bare.perSec,
      bareCpuMs: bare.cpuMs,
      drainCpuMs,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      machine: machineSummary((performance.now() - startedAt) / 1000),
    };
    const report = renderPipelineReport(results);
    if (options.write ?? true) {
      writeResults('pipeline', report, results);
    }
    return report;
  } finally {
    worker?.kill('SIGTERM');
    for (const instance of instances) await instance.close().catch(() => {});
    await database.drop();
    await deleteKeysAt(redisUrl, `${prefix}:*`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * With BENCH_CPU_PROF_DIR set, a V8 CPU profile of this process (the API) while `run` runs, written
 * to `<dir>/<name>.cpuprofile`; the worker process writes its own there when it exits.
 */
async function profiled(name: string, run: () => Promise<void>): Promise<void> {
  const directory = process.env.BENCH_CPU_PROF_DIR;
  if (!directory) return run();
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(directory, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/**
 * A worker process (`pnpm --filter @onair/server worker`, from the sources): as deployed with
 * PostgreSQL, where the worker runs apart from the API, with its own core and connection pool.
 */
async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const profile = process.env.BENCH_CPU_PROF_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
    : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/worker.ts'], {
    cwd: join(repoRoot, 'apps/server'),
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('short-video worker started')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${output}`)));
  });
  // Keep reading its (warn-level) output so the pipe never fills.
  child.stdout?.resume();
  return child;
}

/** Resolves when a live's short video is READY, from the same feed `shortVideo.onUpdate` serves. */
function watchReady(onair: OnAir) {
  const waiting = new Map<string, () => void>();
  const ready = new Set<string>();
  const abort = new AbortController();
  void (async () => {
    for await (const [, video] of onair.shortVideo.updates({}, abort.signal) as AsyncIterable<[string, ShortVideo]>) {
      if (video.status !== 'READY') continue;
      ready.add(video.liveId);
      waiting.get(video.liveId)?.();
    }
  })();
  return {
    until(liveId: string): Promise<void> {
      if (ready.has(liveId)) return Promise.resolve();
      return new Promise((resolve) => waiting.set(liveId, resolve));
    },
    stop: () => abort.abort(),
  };
}

/**
 * Ends every live (`inFlight` calls at a time) and returns the ms from the first call to the last
 * READY (to the last call without a watcher).
 */
async function endAll(
  liveIds: string[],
  end: (liveId: string) => Promise<unknown>,
  watcher: ReturnType<typeof watchReady> | undefined,
  inFlight: number,
): Promise<number> {
  const started = performance.now();
  const allReady = Promise.all(liveIds.map((id) => watcher?.until(id)));
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, liveIds.length) }, async () => {
      while (next < liveIds.length) await end(liveIds[next++] as string);
    }),
  );
  const timeout = setTimeout(() => log('still waiting for READY after 120 s'), 120_000);
  await allReady;
  clearTimeout(timeout);
  return performance.now() - started;
}

/** The bare figure, measured as /work/shared/limits/bullmq-bench.mjs does: addBulk, then drain with a no-op worker. */
async function bareWorkerRate(
  redisUrl: string,
  prefix: string,
  concurrency: number,
  jobs: number,
): Promise<{ perSec: number; cpuMs: number }> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('bare', { connection, prefix });
  try {
    for (let start = 0; start < jobs; start += 1_000) {
      const batch = Array.from({ length: Math.min(1_000, jobs - start) }, (_, index) => ({
        name: 'noop',
        data: { n: start + index },
        opts: { removeOnComplete: true, removeOnFail: true },
      }));
      await queue.addBulk(batch);
    }
    let done = 0;
    let finish: () => void = () => {};
    const drained = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const worker = new Worker('bare', async () => {}, { connection, prefix, concurrency, autorun: false });
    worker.on('completed', () => {
      if (++done === jobs) finish();
    });
    await worker.waitUntilReady();
    const started = performance.now();
    const cpu = process.cpuUsage();
    void worker.run();
    await drained;
    const seconds = (performance.now() - started) / 1000;
    const { user, system } = process.cpuUsage(cpu);
    await worker.close();
    return { perSec: jobs / seconds, cpuMs: (user + system) / 1000 / jobs };
  } finally {
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    connection.disconnect();
  }
}

async function createDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `onair_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** CPU time (user + system) of a process so far, from /proc (Linux; undefined elsewhere). */
function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, in clock ticks of 10 ms (USER_HZ is 100 in Linux's /proc ABI).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

function machineSummary(durationSec: number): string {
  return machineLine(machineFacts(), `commit ${shortCommit(repoRoot)}`, `${durationSec.toFixed(0)} s`);
}

export function renderPipelineReport(results: PipelineResults): string {
  const verdict = (pass: boolean) => (pass ? '**PASS**' : '**FALL SHORT**');
  const rate = (value: number) => Math.round(value).toLocaleString('en-US');
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const percent = (value: number) => `${((value / results.barePerSec) * 100).toFixed(1)}%`;
  const drainRatio = results.drainPerSec / results.barePerSec;
  return [
    '## Short-video pipeline',
    '',
    'Short videos completed per second end to end, from a committed `live.end` through the outbox, the relay,',
    'the event stream, the short-video consumer, BullMQ and the four stages of a worker process to READY, on',
    `PostgreSQL with SHORT_VIDEO_STAGE_MS=0, SHORT_VIDEO_MEDIA=off (no clips cut: the render section measures that) and WORKER_CONCURRENCY=${results.concurrency}, ${rate(results.videos)} videos. As the bare`,
    'figure (a BullMQ no-op worker at the same concurrency draining jobs added beforehand, in the same run),',
    'the work is queued first: every live is ended before the relay and consumers start, then the pipeline',
    'drains it. The second row keeps 32 `live.end` calls (through the procedure) in flight meanwhile, so the',
    "live domain's transactions share the machine. Latency: lives ended one at a time, from the call to",
    'READY on the `shortVideo.onUpdate` feed. The API runs in the bench process, the worker in its own.',
    'Where the difference goes: a bare job is one Redis script per job and nothing else. A short video',
    'also costs a share of one PostgreSQL commit for the videos of the events handled together (one insert,',
    'one `addBulk`), two commits of its own in the worker (PROCESSING and READY, compare-and-sets that wait',
    'for the WAL to reach the disk), the read of its audience curve, a thumbnail file, three real-time',
    "publishes, the event stream, and the viewers domain's own handling of `live.ended`; the API, the",
    "worker, PostgreSQL and Redis share the machine's cores. The CPU row counts the two Node processes;",
    "the worker's includes the kernel's creation of each thumbnail file, which on a virtual machine's ext4",
    'varies from run to run between about 50 µs and several hundred (its inode allocation).',
    '',
    ...markdownTable([
      ['measure', 'OnAir', 'bare BullMQ', 'ratio', 'target', 'verdict'],
      [
        'short videos / s, pipeline draining ended lives',
        rate(results.drainPerSec),
        `${rate(results.barePerSec)} jobs/s`,
        percent(results.drainPerSec),
        `≥ ${targets.ratio * 100}%`,
        verdict(drainRatio >= targets.ratio),
      ],
      [
        'short videos / s, with live.end calls in flight',
        rate(results.withEndsPerSec),
        `${rate(results.barePerSec)} jobs/s`,
        percent(results.withEndsPerSec),
        '',
        '',
      ],
      [
        `live.end → READY p50 (${results.samples} samples)`,
        `${results.p50Ms.toFixed(1)} ms`,
        '',
        '',
        `≤ ${targets.p50Ms} ms`,
        verdict(results.p50Ms <= targets.p50Ms),
      ],
      ['live.end → READY p99', `${results.p99Ms.toFixed(1)} ms`, '', '', '', ''],
      [
        'CPU per video while draining',
        `API ${ms(results.drainCpuMs.api)}${results.drainCpuMs.worker === undefined ? '' : ` + worker ${ms(results.drainCpuMs.worker)}`}`,
        `${ms(results.bareCpuMs)} per job`,
        '',
        '',
        '',
      ],
    ]),
    '',
    `Machine: ${results.machine}.`,
    '',
  ].join('\n');
}

// Standalone: `pnpm --filter @onair/bench run pipeline` (`run`: `pnpm pipeline` is a pnpm command).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(await runPipelineBench());
  process.exit(0);
}
