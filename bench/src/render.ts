import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { appRouter, createLogger, createOnAir, ffmpegArgs, loadEnv, renderArgs, type ShortVideo } from '@onair/api';
import { machineFacts, machineLine } from './machine';
import { markdownTable } from './markdown-table';
import { deleteKeysAt } from './redis-keys';
import { writeResults } from './results';

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(benchDir, '.cache');
const run = promisify(execFile);
const operatorToken = 'bench-operator-token-0123456789';

/** The recording: 1080p, ten minutes, 25 fps, with sound. */
const recordingSec = 600;
const peakSec = 300;

/**
 * The render section of `pnpm bench` (issue 11): the worker's render stage against the same ffmpeg
 * command run alone, in the same run, on a 1080p ten-minute recording cut to 30 s. The worker is a
 * real OnAir (PGlite, the worker inline) fetching the recording from a local host; its stage's cost
 * is the process's own CPU during the render (progress parsing, progress writes, everything else the
 * process did meanwhile) plus ffmpeg's, read from /proc (a reaped child's CPU lands in the parent's
 * cutime/cstime). The command alone is the same argument list, spawned bare.
 */
export async function runRenderBench(): Promise<string> {
  const started = performance.now();
  const recording = await tenMinuteRecording();
  const preset = process.env.BENCH_RENDER_PRESET ?? 'veryfast';
  const rounds = Number(process.env.BENCH_RENDER_ROUNDS ?? 2);

  const host = createServer((request, response) => {
    if (request.url !== '/recording.mp4') return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': statSync(recording).size });
    createReadStream(recording).pipe(response);
  });
  await new Promise<void>((done) => host.listen(0, '127.0.0.1', done));
  const recordingUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/recording.mp4`;

  const dataDir = mkdtempSync(join(os.tmpdir(), 'onair-bench-render-'));
  const prefix = `onair-bench-render-${randomBytes(4).toString('hex')}`;
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const env = loadEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PORT: '0',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    DATA_DIR: dataDir,
    OPERATOR_TOKEN: operatorToken,
    RECORDING_HOSTS: '127.0.0.1',
    RENDER_PRESET: preset,
    WORKER: 'inline',
  });
  const onair = await createOnAir({ env, logger: createLogger(env, 'bench-render'), operatorToken });
  const alone: Cost[] = [];
  const worker: Cost[] = [];
  try {
    onair.start();
    const caller = appRouter.createCaller({
      onair,
      authorization: `Bearer ${operatorToken}`,
      clientAddress: '127.0.0.1',
    });
    // The worker's render stage, timed where it starts and ends.
    const media = onair.shortVideo.media;
    const render = media.render.bind(media);
    let measured: Cost | undefined;
    media.render = async (...args) => {
      const before = processCpuMs();
      const wallStart = performance.now();
      try {
        return await render(...args);
      } finally {
        const after = processCpuMs();
        measured = {
          wallMs: performance.now() - wallStart,
          cpuMs: after.self + after.children - before.self - before.children,
        };
      }
    };

    for (let round = 0; round < rounds; round++) {
      // The same command, alone: the highlight the worker chooses for this curve is 285..315 s.
      alone.push(await renderAlone(recording, preset, dataDir));

      const live = await caller.live.create({ title: `Render bench ${round}` });
      await caller.live.start({ id: live.id });
      const startedAt = new Date(Date.now() - recordingSec * 1000);
      await backdate(onair, live.id, startedAt);
      const at = (second: number) => new Date(startedAt.getTime() + second * 1000).toISOString();
      onair.shortVideo.viewerTimeline = async () => [
        { at: at(10), count: 50 },
        { at: at(peakSec - 15), count: 400 },
        { at: at(peakSec), count: 2_000 },
        { at: at(peakSec + 15), count: 100 },
      ];
      measured = undefined;
      await caller.live.end({ id: live.id, recordingUrl });
      const video = await readyVideo(onair, live.id);
      if (!measured) throw new Error('the render stage did not run');
      if (video.highlight?.startSec !== peakSec - 15) {
        throw new Error(`the worker cut ${JSON.stringify(video.highlight)}, not the window the command alone cut`);
      }
      worker.push(measured);
    }
  } finally {
    await onair.close();
    host.close();
    await deleteKeysAt(redisUrl, `${prefix}:*`);
    rmSync(dataDir, { recursive: true, force: true });
  }
  const results = { alone, worker, preset, durationSec: (performance.now() - started) / 1000 };
  const markdown = report(results);
  writeResults('render', markdown, results);
  return markdown;
}

interface Cost {
  wallMs: number;
  cpuMs: number;
}

/** The worker's exact ffmpeg command line for this cut, progress channel included, run alone. */
async function renderAlone(recording: string, preset: string, dataDir: string): Promise<Cost> {
  const output = join(dataDir, 'alone.mp4');
  const args = ffmpegArgs(
    renderArgs({
      recording,
      hasAudio: true,
      highlight: { startSec: peakSec - 15, endSec: peakSec + 15 },
      preset,
      output,
    }),
    { progress: true },
  );
  const before = processCpuMs();
  const wallStart = performance.now();
  await new Promise<void>((done, fail) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', fail);
    child.once('close', (code) => (code === 0 ? done() : fail(new Error(`ffmpeg alone exited with ${code}`))));
  });
  const after = processCpuMs();
  rmSync(output, { force: true });
  return { wallMs: performance.now() - wallStart, cpuMs: after.children - before.children };
}

/** This process's CPU so far: its own (every thread) and that of its children it has reaped, in ms. */
function processCpuMs(): { self: number; children: number } {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime: fields 14-17 (indexes 11-14 after the command), in 10 ms ticks.
  const tick = (index: number) => Number(fields[index]) * 10;
  return { self: tick(11) + tick(12), children: tick(13) + tick(14) };
}

/**
 * A ten-minute 1080p recording, made once and kept in bench/.cache: a minute of test pattern and
 * tone encoded, then repeated by stream copy (encoding ten minutes of 1080p would take longer than
 * the bench itself).
 */
async function tenMinuteRecording(): Promise<string> {
  const file = join(cacheDir, `recording-1080p-${recordingSec}s.mp4`);
  if (existsSync(file)) return file;
  mkdirSync(cacheDir, { recursive: true });
  const minute = join(cacheDir, 'minute-1080p.mp4');
  const quiet = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error'];
  await run('ffmpeg', [
    ...quiet,
    ...['-f', 'lavfi', '-i', 'testsrc=size=1920x1080:rate=25:duration=60'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=60'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-pix_fmt', 'yuv420p', '-c:a', 'aac', minute],
  ]);
  const temporary = `${file}.tmp.mp4`;
  await run('ffmpeg', [
    ...quiet,
    ...['-stream_loop', String(recordingSec / 60 - 1), '-i', minute, '-c', 'copy', '-t', String(recordingSec)],
    ...['-movflags', '+faststart', temporary],
  ]);
  renameSync(temporary, file);
  rmSync(minute, { force: true });
  return file;
}

async function backdate(onair: Awaited<ReturnType<typeof createOnAir>>, liveId: string, startedAt: Date) {
  const { lives } = await import('@onair/api/tables');
  const { eq } = await import('drizzle-orm');
  await onair.database.db.update(lives).set({ startedAt }).where(eq(lives.id, liveId));
}

async function readyVideo(onair: Awaited<ReturnType<typeof createOnAir>>, liveId: string): Promise<ShortVideo> {
  for (const deadline = Date.now() + 600_000; Date.now() < deadline; ) {
    const [video] = (await onair.shortVideo.list({ liveId, limit: 1 })).items;
    if (video?.status === 'READY') return video;
    if (video?.status === 'FAILED') throw new Error(`the bench's video failed: ${video.error}`);
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error('the bench video was not READY within 10 minutes');
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

function report(results: { alone: Cost[]; worker: Cost[]; preset: string; durationSec: number }): string {
  const { alone, worker } = results;
  const wallRatio = median(worker.map((cost) => cost.wallMs)) / median(alone.map((cost) => cost.wallMs));
  const cpuRatio = median(worker.map((cost) => cost.cpuMs)) / median(alone.map((cost) => cost.cpuMs));
  const verdict = (ratio: number) => (ratio <= 1.2 ? '**PASS**' : '**FALL SHORT**');
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const rows = [
    ['', 'wall (median)', 'CPU (median)', 'runs'],
    [
      'ffmpeg command alone',
      seconds(median(alone.map((c) => c.wallMs))),
      seconds(median(alone.map((c) => c.cpuMs))),
      String(alone.length),
    ],
    [
      "worker's render stage",
      seconds(median(worker.map((c) => c.wallMs))),
      seconds(median(worker.map((c) => c.cpuMs))),
      String(worker.length),
    ],
    [
      'ratio (target ≤ 1.2×)',
      `${wallRatio.toFixed(3)}× ${verdict(wallRatio)}`,
      `${cpuRatio.toFixed(3)}× ${verdict(cpuRatio)}`,
      '',
    ],
  ];
  return [
    '## Short-video render',
    '',
    `A 1080p, ten-minute recording (25 fps, AAC) cut to the 30 s around its audience peak, 720×1280 H.264/AAC at x264's \`${results.preset}\` preset:`,
    "the worker's render stage (a real OnAir fetching the recording over HTTP, worker inline, progress written as ffmpeg reports it)",
    'against the same ffmpeg command line run alone, alternately in the same run. CPU: the process and its reaped children, from /proc.',
    '',
    ...markdownTable(rows),
    '',
    machineLine(machineFacts(), `${results.durationSec.toFixed(0)} s`),
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(await runRenderBench());
  process.exit(0);
}
