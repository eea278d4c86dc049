import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError } from '../stages/stage';
import type { HighlightWindow, RecordingFacts, ShortVideoRow } from '../tables';
import { type Ffmpeg, MediaError } from './ffmpeg';
import type { RecordingFetcher } from './recording-fetch';
import type { MediaStore } from './store';
import { type AudienceStep, syntheticRecordingArgs } from './synthetic';

/** The video as the media work needs it. */
export type MediaVideo = Pick<
  ShortVideoRow,
  'id' | 'liveId' | 'liveTitle' | 'liveStartedAt' | 'liveEndedAt' | 'recordingUrl' | 'recording'
>;

/**
 * The media work of the pipeline's stages: getting the live's recording, cutting the clip and taking
 * its poster. The stages decide what to make; this makes it.
 */
export interface ShortVideoMedia {
  /** True when no stage takes time (no media is made): the worker may record stages together. */
  readonly instant: boolean;
  /** Why media cannot be made here (ffmpeg missing), or undefined when it can. */
  unavailable(): Promise<string | undefined>;
  /** Fetches (or makes) the recording into the worker's working space and says what it is. */
  prepareRecording(
    video: MediaVideo,
    audience: () => Promise<AudienceStep[]>,
    signal?: AbortSignal,
  ): Promise<RecordingFacts>;
  /** Cuts `highlight` into the published clip; `onProgress` follows the encoder (0..1). */
  render(
    video: MediaVideo,
    audience: () => Promise<AudienceStep[]>,
    highlight: HighlightWindow,
    onProgress: (fraction: number) => void,
    signal?: AbortSignal,
  ): Promise<{ videoUrl: string | null; durationSec: number }>;
  /** Publishes the poster: the frame at `atSec` of the recording, fitted like the clip. */
  poster(
    video: MediaVideo,
    audience: () => Promise<AudienceStep[]>,
    atSec: number,
    signal?: AbortSignal,
  ): Promise<string | null>;
  /** Drops the working copy of the recording (the video is finished, one way or the other). */
  release(shortVideoId: string): Promise<void>;
}

export interface FfmpegMediaOptions {
  ffmpeg: Ffmpeg;
  fetcher: RecordingFetcher;
  store: MediaStore;
  /** Where recordings are kept while their video is being made (`<DATA_DIR>/work`). */
  workDir: string;
  synthetic: { enabled: boolean; maxSec: number };
  /** RENDER_PRESET */
  preset: string;
  /** RENDER_CONCURRENCY: renders at once in this process. */
  renderConcurrency: number;
}

export const clipWidth = 720;
export const clipHeight = 1280;

/**
 * The source fitted into 720×1280 over a blurred fill of itself. The fill is blurred small and
 * scaled up: a blur at full size costs more CPU than the encoding.
 */
export const fitFilter = [
  '[0:v]split=2[fillsource][fitsource]',
  `[fillsource]scale=${clipWidth / 4}:${clipHeight / 4}:force_original_aspect_ratio=increase,crop=${clipWidth / 4}:${clipHeight / 4},boxblur=8:2,scale=${clipWidth}:${clipHeight},setsar=1[fill]`,
  `[fitsource]scale=${clipWidth}:${clipHeight}:force_original_aspect_ratio=decrease,setsar=1[fit]`,
  '[fill][fit]overlay=(W-w)/2:(H-h)/2,format=yuv420p[clip]',
].join(';');

/** The ffmpeg arguments of a clip: H.264/AAC MP4, 720×1280, moov first (`+faststart`) so players start at once. */
export function renderArgs(options: {
  recording: string;
  hasAudio: boolean;
  highlight: HighlightWindow;
  preset: string;
  output: string;
}): string[] {
  const { startSec, endSec } = options.highlight;
  const length = String(Math.max(0.04, endSec - startSec));
  // Seeking before -i is fast (from the keyframe before) and exact, since the clip is re-encoded.
  const input = ['-ss', String(startSec), '-t', length, '-i', options.recording];
  // A clip always has an AAC track, silent when the recording has none: players and platforms expect one.
  const silence = options.hasAudio
    ? []
    : ['-f', 'lavfi', '-t', length, '-i', 'anullsrc=channel_layout=stereo:sample_rate=44100'];
  return [
    ...input,
    ...silence,
    ['-filter_complex', fitFilter, '-map', '[clip]', '-map', options.hasAudio ? '0:a:0' : '1:a:0'],
    ['-c:v', 'libx264', '-preset', options.preset, '-crf', '23', '-profile:v', 'high', '-pix_fmt', 'yuv420p'],
    ['-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-t', length],
    ['-movflags', '+faststart', '-f', 'mp4', options.output],
  ].flat();
}

export function posterArgs(options: { recording: string; atSec: number; output: string }): string[] {
  return [
    ['-ss', String(options.atSec), '-i', options.recording],
    ['-filter_complex', fitFilter, '-map', '[clip]', '-frames:v', '1', '-q:v', '3'],
    ['-f', 'image2', '-update', '1', '-c:v', 'mjpeg', options.output],
  ].flat();
}

/** Media made with the system's ffmpeg. */
export class FfmpegMedia implements ShortVideoMedia {
  readonly instant = false;
  private readonly renderSlots: Semaphore;
  private checked: Promise<string | undefined> | undefined;

  constructor(private readonly options: FfmpegMediaOptions) {
    this.renderSlots = new Semaphore(options.renderConcurrency);
  }

  unavailable(): Promise<string | undefined> {
    this.checked ??= this.options.ffmpeg.check().then((result) => (result.ok ? undefined : result.reason));
    return this.checked;
  }

  async prepareRecording(
    video: MediaVideo,
    audience: () => Promise<AudienceStep[]>,
    signal?: AbortSignal,
  ): Promise<RecordingFacts> {
    const file = await this.fetchRecording(video, audience, signal);
    let probe: Awaited<ReturnType<Ffmpeg['probe']>>;
    try {
      probe = await this.options.ffmpeg.probe(file, signal);
    } catch (error) {
      // Fetched again on the next attempt: the copy may be what is broken.
      await rm(file, { force: true });
      throw new MediaError(`the recording is not a video ffmpeg can read (${(error as Error).message})`);
    }
    if (!probe.video) {
      await rm(file, { force: true });
      throw new MediaError('the recording has no video stream');
    }
    if (!(probe.durationSec > 0)) {
      await rm(file, { force: true });
      throw new MediaError('the recording has no duration (it is empty or cut short)');
    }
    return {
      durationSec: Math.round(probe.durationSec * 1000) / 1000,
      hasAudio: probe.hasAudio,
      source: video.recordingUrl ? 'url' : 'synthetic',
    };
  }

  async render(
    video: MediaVideo,
    audience: () => Promise<AudienceStep[]>,
    highlight: HighlightWindow,
    onProgress: (fraction: number) => void,
    signal?: AbortSignal,
  ): Promise<{ videoUrl: string; durationSec: number }> {
    const { store, ffmpeg } = this.options;
    const recording = await this.fetchRecording(video, audience, signal);
    const release = await this.renderSlots.acquire();
    try {
      await store.discardStaged('clip', video.id);
      const staged = await store.stagingPath('clip', video.id);
      const hasAudio = video.recording?.hasAudio ?? true;
      const durationSec = Math.round((highlight.endSec - highlight.startSec) * 1000) / 1000;
      try {
        await ffmpeg.run(
          renderArgs({ recording, hasAudio, highlight, preset: this.options.preset, output: staged }),
          'rendering the clip',
          { durationSec, onProgress, ...(signal ? { signal } : {}) },
        );
      } catch (error) {
        await rm(staged, { force: true });
        throw error;
      }
      return { videoUrl: await store.publish('clip', video.id, staged), durationSec };
    } finally {
      release();
    }
  }

  async poster(
    video: MediaVideo,
    audience: () => Promise<AudienceStep[]>,
    atSec: number,
    signal?: AbortSignal,
  ): Promise<string> {
    const { store, ffmpeg } = this.options;
    const recording = await this.fetchRecording(video, audience, signal);
    await store.discardStaged('thumbnail', video.id);
    const staged = await store.stagingPath('thumbnail', video.id);
    try {
      await ffmpeg.run(posterArgs({ recording, atSec, output: staged }), 'taking the poster', signal ? { signal } : {});
    } catch (error) {
      await rm(staged, { force: true });
      throw error;
    }
    return store.publish('thumbnail', video.id, staged);
  }

  async release(shortVideoId: string): Promise<void> {
    await rm(this.workDirOf(shortVideoId), { recursive: true, force: true });
  }

  private workDirOf(shortVideoId: string): string {
    if (!/^[0-9a-f-]{36}$/i.test(shortVideoId)) throw new Error(`not a short video id: ${shortVideoId}`);
    return join(this.options.workDir, shortVideoId.toLowerCase());
  }

  /**
   * The working copy of the recording, fetched or made when it is not there (the first stage, or a
   * later one resumed by a worker that does not share the first one's disk). Written under a
   * temporary name and renamed, so a killed worker never leaves half a recording to be used.
   */
  private async fetchRecording(
    video: MediaVideo,
    audience: () => Promise<AudienceStep[]>,
    signal?: AbortSignal,
  ): Promise<string> {
    const directory = this.workDirOf(video.id);
    const file = join(directory, 'recording.mp4');
    if (await exists(file)) return file;
    await mkdir(directory, { recursive: true });
    const temporary = join(directory, `recording.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    try {
      if (video.recordingUrl) await this.download(video.recordingUrl, temporary, directory, signal);
      else await this.synthesize(video, await audience(), temporary, directory, signal);
      await rename(temporary, file);
    } finally {
      await rm(temporary, { force: true });
    }
    return file;
  }

  private async download(url: string, output: string, directory: string, signal?: AbortSignal): Promise<void> {
    const { fetcher, ffmpeg } = this.options;
    if (!/\.m3u8$/i.test(new URL(url).pathname)) {
      await fetcher.download(url, output, signal);
      return;
    }
    // HLS: the playlist and its segments come through the same checks, then are joined into one MP4.
    const playlist = await hlsToLocal(fetcher, url, join(directory, 'hls'), signal);
    try {
      await ffmpeg.run(
        [
          '-allowed_extensions',
          'ALL',
          '-protocol_whitelist',
          'file',
          '-i',
          playlist,
          '-c',
          'copy',
          '-f',
          'mp4',
          output,
        ],
        'joining the HLS recording',
        signal ? { signal } : {},
      );
    } finally {
      await rm(join(directory, 'hls'), { recursive: true, force: true });
    }
  }

  private async synthesize(
    video: MediaVideo,
    audience: AudienceStep[],
    output: string,
    directory: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const { synthetic, ffmpeg } = this.options;
    if (!synthetic.enabled) {
      throw new InvalidInputError(
        `live ${video.liveId} ended without a recording (no recordingUrl), and SYNTHETIC_RECORDINGS is off`,
      );
    }
    const liveSec = (video.liveEndedAt.getTime() - video.liveStartedAt.getTime()) / 1000;
    const durationSec = Math.round(Math.min(liveSec, synthetic.maxSec) * 1000) / 1000;
    const args = await syntheticRecordingArgs({
      title: video.liveTitle,
      durationSec,
      audience,
      titleFile: join(directory, 'title.txt'),
      filterFile: join(directory, 'synthetic.filter'),
      output,
    });
    await ffmpeg.run(args, 'making the synthetic recording', signal ? { signal } : {});
  }
}

/**
 * Downloads an HLS recording (a media playlist, or the highest-bandwidth variant of a master one)
 * into `directory` and returns the local playlist, which names only the local files.
 */
async function hlsToLocal(fetcher: RecordingFetcher, url: string, directory: string, signal?: AbortSignal) {
  await mkdir(directory, { recursive: true });
  let { url: base, text } = await fetcher.text(url, signal);
  if (text.includes('#EXT-X-STREAM-INF')) {
    const variants = [...text.matchAll(/#EXT-X-STREAM-INF:([^\n]*)\n\s*([^#\s][^\n]*)/g)].map((match) => ({
      bandwidth: Number(/BANDWIDTH=(\d+)/.exec(match[1] ?? '')?.[1] ?? 0),
      uri: (match[2] ?? '').trim(),
    }));
    const best = variants.sort((a, b) => b.bandwidth - a.bandwidth)[0];
    if (!best) throw new MediaError('the HLS recording lists no variant');
    ({ url: base, text } = await fetcher.text(new URL(best.uri, base).href, signal));
  }
  let segment = 0;
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const map = /^#EXT-X-MAP:.*URI="([^"]+)"/.exec(line);
    if (map?.[1]) {
      const name = `init.mp4`;
      await fetcher.download(new URL(map[1], base).href, join(directory, name), signal);
      lines.push(line.replace(map[1], name));
    } else if (line && !line.startsWith('#')) {
      const name = `segment-${segment++}.ts`;
      await fetcher.download(new URL(line, base).href, join(directory, name), signal);
      lines.push(name);
    } else if (!line.startsWith('#EXT-X-KEY')) lines.push(line);
  }
  if (segment === 0) throw new MediaError('the HLS recording has no segments');
  const playlist = join(directory, 'recording.m3u8');
  await writeFile(playlist, lines.join('\n'));
  return playlist;
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size > 0;
  } catch {
    return false;
  }
}

/** At most `slots` holders at once; the others wait in order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly slots: number) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}

/** `SHORT_VIDEO_MEDIA=off`: the stages' bookkeeping alone, for measuring the pipeline's own cost. */
export class NoMedia implements ShortVideoMedia {
  readonly instant = true;
  async unavailable() {
    return undefined;
  }
  async prepareRecording(video: MediaVideo): Promise<RecordingFacts> {
    const durationSec = (video.liveEndedAt.getTime() - video.liveStartedAt.getTime()) / 1000;
    return { durationSec, hasAudio: false, source: video.recordingUrl ? 'url' : 'synthetic' };
  }
  async render(_video: MediaVideo, _audience: unknown, highlight: HighlightWindow) {
    return { videoUrl: null, durationSec: Math.round((highlight.endSec - highlight.startSec) * 1000) / 1000 };
  }
  async poster() {
    return null;
  }
  async release() {}
}
