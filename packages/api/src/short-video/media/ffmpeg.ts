import { spawn } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';

/**
 * ffmpeg and ffprobe from the system (Debian's `ffmpeg` package), run as child processes: a crash
 * or a kill of ffmpeg is a failed attempt of the stage, never a crash of the worker.
 */
export class Ffmpeg {
  readonly ffprobePath: string;

  constructor(readonly ffmpegPath: string) {
    // ffprobe ships with ffmpeg: beside it when FFMPEG_PATH names a file, else on PATH too.
    this.ffprobePath = ffmpegPath.includes('/')
      ? join(dirname(ffmpegPath), basename(ffmpegPath).replace(/ffmpeg/, 'ffprobe'))
      : 'ffprobe';
  }

  /** The first line of `ffmpeg -version`, or why ffmpeg cannot be run. */
  async check(): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
    try {
      const { stdout } = await this.execute(this.ffmpegPath, ['-hide_banner', '-version'], 'checking ffmpeg');
      await this.execute(this.ffprobePath, ['-hide_banner', '-version'], 'checking ffprobe');
      return { ok: true, version: stdout.split('\n')[0] ?? 'ffmpeg' };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * Runs ffmpeg. With `durationSec` and `onProgress`, reports the fraction done (0..1) as ffmpeg
   * reports it on its `-progress` channel.
   */
  async run(
    args: string[],
    what: string,
    options: { durationSec?: number; onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
  ): Promise<void> {
    const progress = options.onProgress && options.durationSec ? options : undefined;
    let pending = '';
    await this.execute(this.ffmpegPath, ffmpegArgs(args, { progress: progress !== undefined }), what, {
      signal: options.signal,
      onStdout: progress
        ? (text) => {
            // Chunks may split a line: only whole lines are read.
            const lines = (pending + text).split('\n');
            pending = lines.pop() ?? '';
            for (const match of lines.join('\n').matchAll(/^out_time_(?:us|ms)=(\d+)$/gm)) {
              // Both keys hold microseconds (out_time_ms is misnamed in ffmpeg).
              const seconds = Number(match[1]) / 1e6;
              progress.onProgress?.(Math.min(1, Math.max(0, seconds / (progress.durationSec ?? 1))));
            }
          }
        : undefined,
    });
  }

  /** The duration and streams of a media file; an error naming what is wrong when it is not media. */
  async probe(file: string, signal?: AbortSignal): Promise<MediaProbe> {
    const { stdout } = await this.execute(
      this.ffprobePath,
      ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,width,height', '-of', 'json', file],
      'reading the recording',
      { signal },
    );
    const parsed = probeOutput.safeParse(JSON.parse(stdout || '{}'));
    if (!parsed.success) throw new MediaError(`ffprobe described the recording in an unexpected way: ${stdout}`);
    const streams = parsed.data.streams ?? [];
    const video = streams.find((stream) => stream.codec_type === 'video');
    const durationSec = Number(parsed.data.format?.duration);
    return {
      durationSec: Number.isFinite(durationSec) ? durationSec : 0,
      video: video?.width && video.height ? { width: video.width, height: video.height } : undefined,
      hasAudio: streams.some((stream) => stream.codec_type === 'audio'),
    };
  }

  private execute(
    command: string,
    args: string[],
    what: string,
    options: { signal?: AbortSignal | undefined; onStdout?: ((text: string) => void) | undefined } = {},
  ): Promise<{ stdout: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        if (options.onStdout) options.onStdout(text);
        else stdout += text;
      });
      // The end of stderr says why ffmpeg stopped; keep a bounded tail of it.
      child.stderr.setEncoding('utf8').on('data', (text: string) => {
        stderr = (stderr + text).slice(-4_000);
      });
      child.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') {
          reject(
            new MediaError(
              `${basename(command)} not found (${command}): install Debian's ffmpeg package or set FFMPEG_PATH`,
            ),
          );
        } else if (error.name === 'AbortError')
          reject(new MediaError(`${basename(command)} stopped: ${what} was cancelled`));
        else reject(new MediaError(`${basename(command)} could not run while ${what}: ${error.message}`));
      });
      child.once('close', (code, signal) => {
        if (code === 0) return resolve({ stdout });
        const why = lastLine(stderr);
        if (signal) reject(new MediaError(`${basename(command)} was killed by ${signal} while ${what}`));
        else
          reject(
            new MediaError(`${basename(command)} failed while ${what} (exit code ${code})${why ? `: ${why}` : ''}`),
          );
      });
    });
  }
}

/** The whole command line `run` gives ffmpeg (the bench runs the same one alone). */
export function ffmpegArgs(args: string[], options: { progress: boolean }): string[] {
  const common = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error'];
  return [...common, ...(options.progress ? ['-progress', 'pipe:1', '-nostats'] : []), ...args];
}

export interface MediaProbe {
  durationSec: number;
  video: { width: number; height: number } | undefined;
  hasAudio: boolean;
}

/** ffmpeg or ffprobe failed: worth another attempt (a crash, a kill, a file being replaced). */
export class MediaError extends Error {
  override name = 'MediaError';
}

const probeOutput = z.object({
  format: z.object({ duration: z.string().optional() }).optional(),
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
      }),
    )
    .optional(),
});

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  );
}
