import type { FastifyReply, FastifyRequest } from 'fastify';
import { refuse } from './refusals';

/** How long a refused client should wait before opening another stream. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Caps on concurrent SSE streams: per client address (one address cannot hold thousands of
 * sockets) and per process (beyond it the instance answers 503 and the load balancer or the
 * client's retry finds another). Counted from admission to the response's close.
 */
export class StreamLimits {
  private readonly perAddress = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly maxPerAddress: number,
    private readonly maxTotal: number,
  ) {}

  /** Admits the stream, or answers the refusal and returns false. */
  admit(request: FastifyRequest, reply: FastifyReply): boolean {
    const path = (request.params as { path?: string }).path;
    if (this.total >= this.maxTotal) {
      refuse(
        reply,
        path,
        'SERVICE_UNAVAILABLE',
        'This server holds all the streams it can; retry shortly',
        RETRY_AFTER_SECONDS,
      );
      return false;
    }
    const address = request.ip;
    const held = this.perAddress.get(address) ?? 0;
    if (held >= this.maxPerAddress) {
      refuse(
        reply,
        path,
        'TOO_MANY_REQUESTS',
        `At most ${this.maxPerAddress} concurrent streams per client address`,
        RETRY_AFTER_SECONDS,
      );
      return false;
    }
    this.perAddress.set(address, held + 1);
    this.total++;
    reply.raw.once('close', () => {
      this.total--;
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
    });
    return true;
  }

  get open(): number {
    return this.total;
  }
}
