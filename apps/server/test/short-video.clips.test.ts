import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ShortVideo } from '@onair/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/process';
import { ffmpeg, makeRecording, probe, type RecordingHost, startRecordingHost } from './support/recordings';
import { createTestEnvironment, type TestEnvironment, type TestServer } from './support/server';
import { backdateStart, liveOnAir, videosOf, waitForVideo } from './support/short-videos';

// Real ffmpeg, real HTTP: tiny recordings made here, served from a local host the API may fetch from.
let host: RecordingHost;
let world: TestEnvironment;
let server: TestServer;

const settled = (video: ShortVideo) => video.status === 'READY' || video.status === 'FAILED';

/** Ends a live that has been on air `seconds`, with this recording (or none), and waits for its video to settle. */
async function clipOf(
  on: TestServer,
  title: string,
  options: { seconds?: number; recordingUrl?: string; peakAtSec?: number } = {},
): Promise<ShortVideo> {
  const liveId = await liveOnAir(on.operator, title);
  const startedAt = await backdateStart(on.onair.database.db, liveId, options.seconds ?? 2);
  const { peakAtSec } = options;
  if (peakAtSec !== undefined) {
    const at = (second: number) => new Date(startedAt.getTime() + second * 1000).toISOString();
    const timeline = [
      { at: at(1), count: 10 },
      { at: at(peakAtSec), count: 500 },
      { at: at(peakAtSec + 2), count: 40 },
    ];
    const previous = on.onair.shortVideo.viewerTimeline;
    on.onair.shortVideo.viewerTimeline = async (id) => (id === liveId ? timeline : previous(id));
  }
  await on.operator.live.end.mutate({
    id: liveId,
    ...(options.recordingUrl ? { recordingUrl: options.recordingUrl } : {}),
  });
  const video = await waitForVideo(on.client, liveId, settled, 120_000);
  expect(await videosOf(on.client, liveId)).toHaveLength(1);
  return video;
}

beforeAll(async () => {
  host = await startRecordingHost();
  await makeRecording(join(host.directory, 'live-45s.mp4'), 45);
  await makeRecording(join(host.directory, 'silent.mp4'), 3, { audio: false });
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=3',
    '-c:a',
    'aac',
    join(host.directory, 'audio.m4a'),
  ]);
  // An MP4's opening box and no movie after it. Random bytes alone were, once in a while, probed as
  // some other format with a stream and no duration: a different refusal from the one tested here.
  const ftyp = Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from('ftypisom'),
    Buffer.from([0, 0, 2, 0]),
    Buffer.from('isomiso2'),
  ]);
  writeFileSync(join(host.directory, 'corrupt.mp4'), Buffer.concat([ftyp, Buffer.alloc(200_000, 0xa5)]));
  // An HLS recording: a playlist of segments, behind a master playlist.
  await ffmpeg(
    [
      ['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=10:duration=4'],
      ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-hls_time', '1', '-hls_list_size', '0'],
      ['-hls_segment_filename', join(host.directory, 'hls-%d.ts'), join(host.directory, 'media.m3u8')],
    ].flat(),
  );
  writeFileSync(
    join(host.directory, 'master.m3u8'),
    '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=100000,RESOLUTION=320x180\nmedia.m3u8\n',
  );
  host.route('/moved.mp4', (_request, response) => {
    response.writeHead(302, { location: '/live-45s.mp4' }).end();
  });
  host.route('/moved-away.mp4', (_request, response) => {
    response.writeHead(302, { location: 'http://recordings.elsewhere.example/live.mp4' }).end();
  });
  // A host that trickles a byte now and then, never finishing in time.
  host.route('/slow.mp4', (_request, response) => {
    response.writeHead(200, { 'content-type': 'video/mp4' });
    const timer = setInterval(() => response.write('x'), 200);
    response.once('close', () => clearInterval(timer));
  });
  // Far over the size limit, without saying so up front (no Content-Length).
  host.route('/huge.mp4', (_request, response) => {
    response.writeHead(200, { 'content-type': 'video/mp4' });
    const chunk = Buffer.alloc(64 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < 64 * 1024 * 1024) {
        sent += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      response.end();
    };
    response.once('close', () => {
      sent = Number.POSITIVE_INFINITY;
    });
    pump();
  });

  world = await createTestEnvironment('pglite');
  server = await world.start({
    RECORDING_HOSTS: '127.0.0.1',
    // Above the recordings here (320×180, the 45 s one about 2 MiB), and small enough to read well within the
    // timeout on a busy machine: the huge recording must fail on its size, not its time (4 MiB in
    // 5 s was missed once, with eight test files and the browser tests running beside it).
    RECORDING_MAX_BYTES: String(3 * 1024 * 1024),
    RECORDING_TIMEOUT_MS: '8000',
    SHORT_VIDEO_ATTEMPTS: '2',
    SHORT_VIDEO_BACKOFF_MS: '50',
  });
}, 120_000);

afterAll(async () => {
  await world?.cleanup();
  await host?.close();
});

describe('real clips', { timeout: 150_000 }, () => {
  it('cuts a 45 s recording into a 30 s 9:16 H.264/AAC clip around the peak, with a 9:16 JPEG poster, served by ranges', async () => {
    const video = await clipOf(server, 'Forty-five seconds', {
      seconds: 45,
      recordingUrl: host.url('moved.mp4'),
      peakAtSec: 33,
    });
    expect(video).toMatchObject({ status: 'READY', error: null, durationSec: 30, attempts: 1 });
    expect(video.highlight?.startSec).toBeLessThanOrEqual(33);
    expect(video.highlight?.endSec).toBeGreaterThanOrEqual(33);
    expect(video.videoUrl).toBe(`/media/clips/${video.id}.mp4`);
    expect(video.thumbnailUrl).toBe(`/media/thumbnails/${video.id}.jpg`);

    const clip = await probe(`${server.url}${video.videoUrl}`);
    expect(Math.abs(clip.durationSec - 30)).toBeLessThanOrEqual(0.5);
    const picture = clip.streams.find((stream) => stream.codec_type === 'video');
    expect(picture).toMatchObject({ codec_name: 'h264', width: 720, height: 1280 });
    expect(clip.streams.find((stream) => stream.codec_type === 'audio')).toMatchObject({ codec_name: 'aac' });

    const poster = await fetch(`${server.url}${video.thumbnailUrl}`);
    expect(poster.status).toBe(200);
    expect(poster.headers.get('content-type')).toBe('image/jpeg');
    const posterFile = join(host.directory, 'poster.jpg');
    writeFileSync(posterFile, Buffer.from(await poster.arrayBuffer()));
    expect((await probe(posterFile)).streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 720, height: 1280 });

    const whole = await fetch(`${server.url}${video.videoUrl}`);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('cache-control')).toContain('no-cache');
    const size = (await whole.arrayBuffer()).byteLength;
    const range = await fetch(`${server.url}${video.videoUrl}`, { headers: { range: 'bytes=100-1099' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 100-1099/${size}`);
    expect((await range.arrayBuffer()).byteLength).toBe(1000);
    const tail = await fetch(`${server.url}${video.videoUrl}`, { headers: { range: 'bytes=-10' } });
    expect(tail.headers.get('content-range')).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
    const beyond = await fetch(`${server.url}${video.videoUrl}`, { headers: { range: `bytes=${size}-` } });
    expect(beyond.status).toBe(416);
    const etag = whole.headers.get('etag') ?? '';
    expect((await fetch(`${server.url}${video.videoUrl}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('makes a 6 s synthetic live into a clip as long as the live', async () => {
    const video = await clipOf(server, 'Six seconds "on air"', { seconds: 6 });
    expect(video).toMatchObject({ status: 'READY', error: null });
    expect(video.durationSec).toBeGreaterThanOrEqual(6);
    expect(video.durationSec).toBeLessThan(7);
    const clip = await probe(`${server.url}${video.videoUrl}`);
    expect(Math.abs(clip.durationSec - (video.durationSec ?? 0))).toBeLessThanOrEqual(0.5);
    expect(clip.streams.find((stream) => stream.codec_type === 'video')).toMatchObject({ width: 720, height: 1280 });
  });

  it('makes a clip of an HLS recording, and gives a silent recording a silent AAC track', async () => {
    const hls = await clipOf(server, 'HLS', { seconds: 4, recordingUrl: host.url('master.m3u8') });
    expect(hls).toMatchObject({ status: 'READY', error: null });
    expect(Math.abs((await probe(`${server.url}${hls.videoUrl}`)).durationSec - 4)).toBeLessThanOrEqual(0.5);

    const silent = await clipOf(server, 'Silent', { seconds: 3, recordingUrl: host.url('silent.mp4') });
    expect(silent.status).toBe('READY');
    const streams = (await probe(`${server.url}${silent.videoUrl}`)).streams;
    expect(streams.find((stream) => stream.codec_type === 'audio')).toMatchObject({ codec_name: 'aac' });
  });
});

describe('recordings that cannot make a clip', { timeout: 150_000 }, () => {
  it('fails at once, without retries, a recording outside RECORDING_HOSTS or redirected out of it', async () => {
    const outside = await clipOf(server, 'Elsewhere', { recordingUrl: 'http://recordings.elsewhere.example/live.mp4' });
    expect(outside).toMatchObject({ status: 'FAILED', attempts: 1, videoUrl: null });
    expect(outside.error).toBe(
      "Invalid input: the recording's host recordings.elsewhere.example is not in RECORDING_HOSTS",
    );
    // Named when the live was created rather than when it ended.
    const created = await server.operator.live.create.mutate({
      title: 'Recording named at creation',
      recordingUrl: 'http://create.elsewhere.example/live.mp4',
    });
    expect(created.recordingUrl).toBe('http://create.elsewhere.example/live.mp4');
    await server.operator.live.start.mutate({ id: created.id });
    await server.operator.live.end.mutate({ id: created.id });
    const fromCreate = await waitForVideo(server.client, created.id, settled);
    expect(fromCreate).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(fromCreate.error).toContain('create.elsewhere.example is not in RECORDING_HOSTS');

    const redirected = await clipOf(server, 'Redirected away', { recordingUrl: host.url('moved-away.mp4') });
    expect(redirected).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(redirected.error).toContain('redirected outside RECORDING_HOSTS (to recordings.elsewhere.example)');
  });

  it('retries with backoff, then fails with the reason in words: unreachable, missing, slow, huge, corrupt, not video', async () => {
    const closedPort = await freePort();
    const cases: [title: string, url: string, reason: RegExp][] = [
      ['Unreachable', `http://127.0.0.1:${closedPort}/live.mp4`, /unreachable: ECONNREFUSED/],
      ['Missing', host.url('missing.mp4'), /answered HTTP 404/],
      ['Slow', host.url('slow.mp4'), /not fetched within RECORDING_TIMEOUT_MS \(8000 ms\)/],
      ['Huge', host.url('huge.mp4'), /more than RECORDING_MAX_BYTES \(3145728 bytes\)/],
      ['Corrupt', host.url('corrupt.mp4'), /not a video ffmpeg can read/],
      ['Not video', host.url('audio.m4a'), /has no video stream/],
    ];
    const videos = await Promise.all(cases.map(([title, url]) => clipOf(server, title, { recordingUrl: url })));
    videos.forEach((video, index) => {
      const [title, , reason] = cases[index] ?? [];
      expect(video, String(title)).toMatchObject({ status: 'FAILED', attempts: 2, videoUrl: null, thumbnailUrl: null });
      expect(video.error, String(title)).toMatch(reason as RegExp);
      expect(video.error, String(title)).toMatch(/\(after 2 attempts\)$/);
    });
  });

  it('answers a recording URL that is not http(s) with BAD_REQUEST naming the field', async () => {
    const liveId = await liveOnAir(server.operator, 'Bad URL');
    const refused = await server.operator.live.end
      .mutate({ id: liveId, recordingUrl: 'file:///etc/passwd' })
      .catch((error: unknown) => error as { data?: unknown; message: string });
    expect(refused).toMatchObject({ data: { code: 'BAD_REQUEST' } });
    expect((refused as { message: string }).message).toContain('recordingUrl');
    expect((await server.client.live.get.query({ id: liveId })).status).toBe('LIVE');
  });
});

describe('ffmpeg failing, and lives without a recording where none may be made', { timeout: 150_000 }, () => {
  let crashing: TestEnvironment;
  let bin: string;
  afterAll(async () => {
    await crashing?.cleanup();
    if (bin) rmSync(bin, { recursive: true, force: true });
  });

  it('retries an attempt whose ffmpeg was killed, and fails at once a live without a recording when SYNTHETIC_RECORDINGS is off', async () => {
    // An ffmpeg that is killed (-9) the first time it renders, then is ffmpeg again.
    bin = mkdtempSync(join(tmpdir(), 'onair-ffmpeg-'));
    const crashedOnce = join(bin, 'crashed');
    writeFileSync(
      join(bin, 'ffmpeg'),
      `#!/bin/sh\ncase " $* " in *" libx264 "*" -progress "*|*" -progress "*" libx264 "*) if [ ! -e '${crashedOnce}' ]; then touch '${crashedOnce}'; kill -9 $$; fi;; esac\nexec ffmpeg "$@"\n`,
    );
    chmodSync(join(bin, 'ffmpeg'), 0o755);
    symlinkSync('/usr/bin/ffprobe', join(bin, 'ffprobe'));
    crashing = await createTestEnvironment('pglite');
    const production = await crashing.start({
      FFMPEG_PATH: join(bin, 'ffmpeg'),
      SYNTHETIC_RECORDINGS: 'off',
      RECORDING_HOSTS: '127.0.0.1',
      SHORT_VIDEO_ATTEMPTS: '3',
      SHORT_VIDEO_BACKOFF_MS: '50',
    });

    const survived = await clipOf(production, 'ffmpeg killed once', {
      seconds: 3,
      recordingUrl: host.url('silent.mp4'),
    });
    expect(existsSync(crashedOnce)).toBe(true);
    expect(survived).toMatchObject({ status: 'READY', attempts: 2, error: null });

    const none = await clipOf(production, 'No recording');
    expect(none).toMatchObject({ status: 'FAILED', attempts: 1, videoUrl: null });
    expect(none.error).toMatch(/ended without a recording \(no recordingUrl\), and SYNTHETIC_RECORDINGS is off$/);
  });
});
