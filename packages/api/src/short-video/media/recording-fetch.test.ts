import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../stages/stage';
import { isPrivate, RecordingFetcher } from './recording-fetch';

let server: Server;
let port: number;
const directory = mkdtempSync(join(tmpdir(), 'onair-fetch-'));

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/to-localhost') {
      return response.writeHead(302, { location: `http://localhost:${port}/recording.mp4` }).end();
    }
    if (request.url === '/loop') return response.writeHead(302, { location: '/loop' }).end();
    response.writeHead(200, { 'content-length': '9' }).end('recording');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(directory, { recursive: true, force: true });
});

const fetcher = (hosts: string[]) => new RecordingFetcher({ hosts, maxBytes: 1_000, timeoutMs: 5_000 });
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );

describe('RecordingFetcher', () => {
  it('fetches from a host listed by name, private or not', async () => {
    const file = join(directory, 'listed.mp4');
    await fetcher([`127.0.0.1:${port}`]).download(`http://127.0.0.1:${port}/recording.mp4`, file);
    expect(readFileSync(file, 'utf8')).toBe('recording');
  });

  it('refuses, as input that can never work, private addresses under *, other ports, other schemes', async () => {
    for (const [hosts, url, message] of [
      [['*'], `http://127.0.0.1:${port}/recording.mp4`, /127\.0\.0\.1:\d+ is a private address/],
      [
        ['*'],
        `http://localhost:${port}/recording.mp4`,
        /localhost resolves to a private address \((127\.0\.0\.1|::1)\)/,
      ],
      [['127.0.0.1:1'], `http://127.0.0.1:${port}/recording.mp4`, /is not in RECORDING_HOSTS/],
      [['*'], 'file:///etc/passwd', /must be http or https, not file/],
      [
        [`127.0.0.1:${port}`],
        `http://127.0.0.1:${port}/to-localhost`,
        /redirected outside RECORDING_HOSTS \(to localhost:\d+\)/,
      ],
    ] as const) {
      const error = await refusal(fetcher([...hosts]).download(url, join(directory, 'refused.mp4')));
      expect(error, url).toBeInstanceOf(InvalidInputError);
      expect(error?.message, url).toMatch(message);
    }
  });

  it('gives up on endless redirects with an ordinary (retried) error', async () => {
    const error = await refusal(fetcher(['127.0.0.1']).download(`http://127.0.0.1:${port}/loop`, join(directory, 'x')));
    expect(error).not.toBeInstanceOf(InvalidInputError);
    expect(error?.message).toMatch(/redirected more than 5 times/);
  });

  it('knows private, loopback, link-local and unique-local addresses', () => {
    for (const address of [
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      '::ffff:10.0.0.1',
      '0.0.0.0',
    ]) {
      expect(isPrivate(address), address).toBe(true);
    }
    for (const address of ['93.184.216.34', '2606:4700::1111', '172.32.0.1'])
      expect(isPrivate(address), address).toBe(false);
  });
});
