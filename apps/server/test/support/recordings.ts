import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs ffmpeg (quietly) with these arguments. */
export async function ffmpeg(args: string[]): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', ...args]);
}

export interface Probe {
  durationSec: number;
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
}

/** ffprobe's view of a file (or URL). */
export async function probe(file: string): Promise<Probe> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=duration:stream=codec_type,codec_name,width,height',
    '-of',
    'json',
    file,
  ]);
  const parsed = JSON.parse(stdout) as { format: { duration: string }; streams: Probe['streams'] };
  return { durationSec: Number(parsed.format.duration), streams: parsed.streams };
}

/**
 * A tiny recording, made by the test: a 16:9 test pattern at a low resolution and frame rate, with
 * a tone unless `audio` is false, so a clip is quick to cut.
 */
export async function makeRecording(file: string, seconds: number, options: { audio?: boolean } = {}) {
  const audio = options.audio === false ? [] : ['-f', 'lavfi', '-i', `sine=frequency=660:duration=${seconds}`];
  await ffmpeg(
    [
      ['-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=10:duration=${seconds}`],
      audio,
      ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '20', '-pix_fmt', 'yuv420p'],
      options.audio === false ? [] : ['-c:a', 'aac', '-b:a', '48k'],
      ['-shortest', '-movflags', '+faststart', file],
    ].flat(),
  );
}

export type Handler = Parameters<typeof createServer>[1] & {};

/** A recording host for one test file: files from a temporary directory, plus routes the test adds. */
export interface RecordingHost {
  origin: string;
  directory: string;
  /** Serves `file` of the directory at `/<file>` (Content-Length set). */
  url(file: string): string;
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

export async function startRecordingHost(): Promise<RecordingHost> {
  const directory = mkdtempSync(join(tmpdir(), 'onair-recordings-'));
  const routes = new Map<string, Handler>();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://host').pathname;
    const handler = routes.get(path);
    if (handler) return handler(request, response);
    const file = join(directory, path.replace(/^\/+/, ''));
    if (!file.startsWith(directory) || path.includes('..')) return response.writeHead(404).end();
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return response.writeHead(404).end('no such recording');
    }
    response.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    directory,
    url: (file) => `${origin}/${file}`,
    route: (path, handler) => routes.set(path, handler),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
