import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidInputError } from '../stages/stage';

export interface RecordingFetchPolicy {
  /** RECORDING_HOSTS: `host`, `host:port`, `*.domain`, or `*` (any public host). */
  hosts: readonly string[];
  /** RECORDING_MAX_BYTES, for the whole recording (an HLS playlist's segments together). */
  maxBytes: number;
  /** RECORDING_TIMEOUT_MS, for the whole fetch. */
  timeoutMs: number;
}

const maxRedirects = 5;

/**
 * Fetches recordings from the video provider, and nothing else: only from RECORDING_HOSTS, following
 * redirects only within them, never from a private or local address unless that host is listed by
 * name (a bare `*` does not list it), within a size limit and a time limit. The address checked is
 * the address connected to (the check runs inside the connection's DNS lookup), so a name that
 * resolves differently the second time cannot slip through.
 *
 * A refusal by policy can never succeed (InvalidInputError: the video fails at once); an unreachable,
 * slow or oversized recording is an ordinary error (the attempt is retried).
 */
export class RecordingFetcher {
  constructor(private readonly policy: RecordingFetchPolicy) {}

  /** Writes the resource at `url` to `file`; returns the URL it was finally read from (after redirects). */
  async download(url: string, file: string, signal?: AbortSignal): Promise<{ url: URL; bytes: number }> {
    const deadline = this.deadline(signal);
    const { response, url: finalUrl } = await this.open(url, deadline.signal).catch((error: unknown) => {
      throw deadline.explain(error);
    });
    const limit = new ByteLimit(this.policy.maxBytes);
    try {
      await pipeline(response, limit, createWriteStream(file), { signal: deadline.signal });
    } catch (error) {
      await rm(file, { force: true });
      throw deadline.explain(error);
    }
    return { url: finalUrl, bytes: limit.bytes };
  }

  /** A small text resource (an HLS playlist). */
  async text(url: string, signal?: AbortSignal): Promise<{ url: URL; text: string }> {
    const deadline = this.deadline(signal);
    try {
      const { response, url: finalUrl } = await this.open(url, deadline.signal);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > 4 * 1024 * 1024) throw new Error(`the playlist at ${finalUrl.href} is larger than 4 MiB`);
        chunks.push(chunk);
      }
      return { url: finalUrl, text: Buffer.concat(chunks).toString('utf8') };
    } catch (error) {
      throw deadline.explain(error);
    }
  }

  /** Checks `url` against the policy without fetching it (InvalidInputError when refused). */
  check(url: string | URL): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InvalidInputError(`the recording URL ${JSON.stringify(String(url))} is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new InvalidInputError(`the recording URL must be http or https, not ${parsed.protocol.replace(':', '')}`);
    }
    if (!this.listing(parsed)) {
      throw new InvalidInputError(`the recording's host ${parsed.host} is not in RECORDING_HOSTS`);
    }
    return parsed;
  }

  private async open(url: string, signal: AbortSignal): Promise<{ response: IncomingMessage; url: URL }> {
    let current = this.check(url);
    for (let redirects = 0; ; redirects++) {
      const response = await this.get(current, signal);
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirects >= maxRedirects) throw new Error(`the recording redirected more than ${maxRedirects} times`);
        const next = new URL(response.headers.location, current);
        try {
          current = this.check(next);
        } catch (error) {
          throw new InvalidInputError(
            `the recording at ${current.host} redirected outside RECORDING_HOSTS (to ${next.host}): ${(error as Error).message}`,
          );
        }
        continue;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        throw new Error(`the recording at ${current.href} answered HTTP ${status}`);
      }
      const length = Number(response.headers['content-length']);
      if (Number.isFinite(length) && length > this.policy.maxBytes) {
        response.resume();
        throw new Error(
          `the recording is ${length} bytes, more than RECORDING_MAX_BYTES (${this.policy.maxBytes} bytes)`,
        );
      }
      return { response, url: current };
    }
  }

  private get(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
    const privateAllowed = this.listing(url) === 'by-name';
    const literal = isIP(url.hostname.replace(/^\[|\]$/g, ''));
    if (literal && !privateAllowed && isPrivate(url.hostname.replace(/^\[|\]$/g, ''))) {
      return Promise.reject(
        new InvalidInputError(
          `the recording's host ${url.host} is a private address, which RECORDING_HOSTS does not list`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
        method: 'GET',
        signal,
        headers: { 'user-agent': 'OnAir short-video worker', accept: '*/*' },
        lookup: (hostname, options, callback) => {
          dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
            if (error) return callback(error, '', 0);
            const list = addresses as LookupAddress[];
            const refused = privateAllowed ? undefined : list.find((entry) => isPrivate(entry.address));
            if (refused) {
              return callback(
                new InvalidInputError(
                  `the recording's host ${hostname} resolves to a private address (${refused.address}), which RECORDING_HOSTS does not list`,
                ),
                '',
                0,
              );
            }
            if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
            const first = list[0];
            if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
            callback(null, first.address, first.family);
          });
        },
      });
      request.once('response', resolve);
      request.once('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof InvalidInputError) return reject(error);
        if (signal.aborted) return reject(signal.reason);
        reject(new Error(`the recording at ${url.host} is unreachable: ${error.code ?? error.message}`));
      });
      request.end();
    });
  }

  /** How `url`'s host is listed: by name (private addresses allowed), by `*` only, or not at all. */
  private listing(url: URL): 'by-name' | 'wildcard' | undefined {
    const host = url.hostname.toLowerCase();
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    let wildcard = false;
    for (const entry of this.policy.hosts) {
      if (entry === '*') {
        wildcard = true;
        continue;
      }
      const [name, entryPort] = splitHostPort(entry);
      if (entryPort && entryPort !== port) continue;
      if (name === host || (name.startsWith('*.') && host.endsWith(name.slice(1)))) return 'by-name';
    }
    return wildcard ? 'wildcard' : undefined;
  }

  private deadline(outer: AbortSignal | undefined) {
    const timeout = AbortSignal.timeout(this.policy.timeoutMs);
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
    return {
      signal,
      /** A fetch cut short by the time limit says so, whatever the stream reported. */
      explain: (error: unknown) =>
        timeout.aborted && !(error instanceof InvalidInputError)
          ? new Error(`the recording was not fetched within RECORDING_TIMEOUT_MS (${this.policy.timeoutMs} ms)`)
          : error,
    };
  }
}

function splitHostPort(entry: string): [string, string | undefined] {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [`[${bracketed[1]}]`, bracketed[2]];
  const parts = entry.split(':');
  if (parts.length === 2) return [parts[0] ?? '', parts[1]];
  return [entry, undefined];
}

/** Loopback, private, link-local, carrier-grade NAT, unspecified and unique-local addresses. */
const privateRanges = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv6');
}

export function isPrivate(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return privateRanges.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    return mapped ? privateRanges.check(mapped, 'ipv4') : privateRanges.check(address, 'ipv6');
  }
  return false;
}

/** Counts bytes through, failing once there are more than the limit. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null, data?: Buffer) => void,
  ) {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      callback(new Error(`the recording is more than RECORDING_MAX_BYTES (${this.limit} bytes)`));
      return;
    }
    callback(null, chunk);
  }
}
