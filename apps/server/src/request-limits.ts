import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';

/** A request body refused by the limits below: answered by the tRPC scope's error handler. */
export class BodyRefused extends Error {
  override name = 'BodyRefused';
  constructor(
    readonly code: 'PAYLOAD_TOO_LARGE' | 'BAD_REQUEST',
    message: string,
  ) {
    super(message);
  }
}

/** How much of an oversized body is read (and dropped) so that the 413 reaches the client. */
const DRAIN_LIMIT_BYTES = 1 << 20;

/**
 * A content-type parser that reads the body as text, at most `limitBytes` of it and nested at most
 * `maxDepth` deep. An oversized body is read to its end (up to a megabyte, and within the request
 * timeout) but not kept, then answered 413: a server that stops reading and answers at once has
 * its answer destroyed by the TCP reset that the client's unsent bytes cause.
 */
export function boundedBody({ limitBytes, maxDepth }: { limitBytes: number; maxDepth: number }) {
  return (
    request: FastifyRequest,
    payload: IncomingMessage,
    done: (error: Error | null, body?: string) => void,
  ): void => {
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    // Built only when refused: an Error captures a stack, which costs more than reading a small body.
    const tooLarge = () => new BodyRefused('PAYLOAD_TOO_LARGE', `The request body is over ${limitBytes} bytes`);
    if (declared > DRAIN_LIMIT_BYTES) {
      done(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
      else if (size > DRAIN_LIMIT_BYTES) {
        payload.removeAllListeners('data');
        payload.pause();
        done(tooLarge());
      }
    });
    payload.on('error', (error) => done(error));
    payload.on('end', () => {
      if (size > limitBytes) return done(tooLarge());
      const text = Buffer.concat(chunks).toString('utf8');
      if (jsonDepth(text) > maxDepth) {
        return done(new BodyRefused('BAD_REQUEST', `The request body is nested more than ${maxDepth} levels deep`));
      }
      done(null, text);
    });
  };
}

/**
 * How deeply a JSON text nests arrays and objects, in one pass over its characters (brackets in
 * strings excluded). Cheap enough to run on every body, and it bounds what the parser and the
 * validators will walk.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index++; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return deepest;
}
