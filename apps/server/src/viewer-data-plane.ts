import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import {
  appRouter,
  connectedFrame,
  type OnAir,
  pingFrame,
  presenceInput,
  type StatsSubscriber,
  serializedErrorFrame,
  sseHeaders,
  statsUpdatesInput,
  translateError,
} from '@onair/api';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCode } from '@trpc/server/http';
import { getErrorShape, getTRPCErrorFromUnknown } from '@trpc/server/unstable-core-do-not-import';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';

type ProcedureType = 'mutation' | 'subscription';

const config = appRouter._def._config;
const clientOptions = config.sse?.client ?? {};
const PING_MS = config.sse?.ping?.intervalMs ?? 10_000;

/** The hot viewer mutations, answered here with the same service calls the tRPC procedures make. */
const hotMutations: Record<string, (onair: OnAir, input: { liveId: string; viewerId: string }) => Promise<unknown>> = {
  'viewer.join': (onair, input) => onair.viewers.join(input.liveId, input.viewerId),
  'viewer.heartbeat': (onair, input) => onair.viewers.heartbeat(input.liveId, input.viewerId),
  'viewer.leave': (onair, input) => onair.viewers.leave(input.liveId, input.viewerId),
};
const HOT_SUBSCRIPTION = 'viewer.onStats';

type CallResult = { result: { data: unknown } } | { error: unknown };

/**
 * The viewers' data plane: the procedures that carry almost all traffic (every viewer heartbeats,
 * every change reaches every screen), served without tRPC's generic per-request machinery but in
 * exactly its wire format — same JSON envelopes, same error shapes (built by tRPC's own
 * `getErrorShape` with OnAir's formatter), same SSE dialect — so `@trpc/client` cannot tell the
 * difference. The procedures stay declared in the router (types, validation, every other path).
 *
 * - Mutations: validate with the procedure's zod schema, call the service, write one JSON body.
 * - `viewer.onStats`: one SSE response per subscriber, registered in the live's fan-out group,
 *   which serializes each update once and writes the same bytes to every subscriber.
 */
export class ViewerDataPlane {
  private readonly streams = new Set<ServerResponse>();
  private readonly pingTimer: NodeJS.Timeout;
  private readonly pingBytes = Buffer.from(pingFrame);

  constructor(
    private readonly onair: OnAir,
    /** tRPC's own limit: a larger batch is left to tRPC, which refuses it. */
    private readonly maxBatchSize: number,
  ) {
    // One timer for every stream instead of one per subscriber.
    this.pingTimer = setInterval(() => {
      for (const stream of this.streams) stream.write(this.pingBytes);
    }, PING_MS);
    this.pingTimer.unref();
  }

  /** Whether this request is one the data plane answers; anything else goes to tRPC. */
  handles(method: string, path: string, batch: boolean): boolean {
    if (method === 'GET') return path === HOT_SUBSCRIPTION && !batch;
    if (method !== 'POST') return false;
    if (!batch) return path in hotMutations;
    const paths = path.split(',');
    return paths.length <= this.maxBatchSize && paths.every((part) => part in hotMutations);
  }

  /** `generic` answers what the data plane does not: malformed JSON gets tRPC's own error. */
  async handle(
    request: FastifyRequest,
    reply: FastifyReply,
    path: string,
    batch: boolean,
    generic: () => Promise<void>,
  ): Promise<void> {
    const query = request.query as Record<string, string | undefined>;
    const body = parseJson(request.method === 'GET' ? query.input : request.body);
    if (body === malformed) return generic();
    if (request.method === 'GET') return this.subscribe(request, reply, body);
    return this.mutate(reply, path, batch, body);
  }

  private async mutate(reply: FastifyReply, path: string, batch: boolean, body: unknown): Promise<void> {
    const paths = batch ? path.split(',') : [path];
    const inputs = batch ? (isRecord(body) ? body : {}) : { 0: body };
    const errors: (TRPCError | undefined)[] = [];
    const results = await Promise.all(
      paths.map(async (procedure, index): Promise<CallResult> => {
        const input = inputs[index];
        const stop = this.onair.metrics.procedureDuration.startTimer({ procedure, type: 'mutation' });
        try {
          const data = await (hotMutations[procedure] as (typeof hotMutations)[string])(
            this.onair,
            validate(presenceInput, input),
          );
          stop({ code: 'OK' });
          return { result: { data } };
        } catch (cause) {
          const error = this.toError(cause, procedure);
          stop({ code: error.code });
          errors[index] = error;
          return { error: this.shape(error, procedure, 'mutation', input) };
        }
      }),
    );
    const json = batch ? results : results[0];
    const payload = JSON.stringify(json);
    // Written directly, past Fastify's send path (it costs more than the rest of a join); the
    // headers set by the hooks (CORS) are carried over as for the subscription.
    reply.hijack();
    reply.raw.writeHead(getHTTPStatusCode(json as Parameters<typeof getHTTPStatusCode>[0], errors as TRPCError[]), {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    });
    reply.raw.end(payload);
  }

  private async subscribe(request: FastifyRequest, reply: FastifyReply, rawInput: unknown): Promise<void> {
    const input = withLastEventId(rawInput, request.headers, request.query as Record<string, string | undefined>);

    // Hijacked: tRPC's own headers (CORS) are set on the reply already; carry them over.
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), ...sseHeaders });
    response.write(connectedFrame(clientOptions));

    const fail = (cause: unknown) => {
      const error = this.toError(cause, HOT_SUBSCRIPTION);
      response.end(serializedErrorFrame(this.shape(error, HOT_SUBSCRIPTION, 'subscription', rawInput)));
    };

    let liveId: string;
    try {
      liveId = validate(statsUpdatesInput, input).liveId;
    } catch (error) {
      return fail(error);
    }

    const subscriber = new SseSubscriber(response);
    let release: (() => void) | undefined;
    let closed = false;
    response.on('close', () => {
      closed = true;
      this.streams.delete(response);
      release?.();
    });
    try {
      release = await this.onair.viewers.fanout.subscribe(liveId, subscriber);
    } catch (error) {
      if (!closed) fail(error);
      return;
    }
    if (closed) release();
    else this.streams.add(response);
  }

  private toError(cause: unknown, path: string): TRPCError {
    const error = translateError(this.onair, getTRPCErrorFromUnknown(cause));
    if (error.code === 'INTERNAL_SERVER_ERROR')
      this.onair.logger.error({ err: error.cause ?? error, path }, 'procedure failed');
    return error;
  }

  private shape(error: TRPCError, path: string, type: ProcedureType, input: unknown): unknown {
    return getErrorShape({ config, error, type, path, input, ctx: undefined });
  }

  /** Open SSE streams on this instance. */
  get openStreams(): number {
    return this.streams.size;
  }

  close(): void {
    clearInterval(this.pingTimer);
  }
}

/**
 * One SSE response. A slow client is never sent a backlog: while its socket is full, only the
 * newest frame is kept, and it is written when the socket drains.
 */
class SseSubscriber implements StatsSubscriber {
  lastVersion = -1;
  private blocked = false;
  private pending: Buffer | undefined;

  constructor(private readonly response: ServerResponse) {
    response.on('drain', () => {
      this.blocked = false;
      const pending = this.pending;
      this.pending = undefined;
      if (pending) this.write(pending);
    });
  }

  send(_update: unknown, frame: Buffer): void {
    if (this.blocked) this.pending = frame;
    else this.write(frame);
  }

  private write(frame: Buffer): void {
    if (!this.response.write(frame)) this.blocked = true;
  }
}

/** As tRPC does: input failures are BAD_REQUEST with the zod error as cause (the formatter names the fields). */
function validate<T>(schema: ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new TRPCError({ code: 'BAD_REQUEST', message: parsed.error.message, cause: parsed.error });
  return parsed.data;
}

const malformed = Symbol('malformed JSON');

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return malformed;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** As tRPC does: the Last-Event-ID header (an EventSource reconnecting) or query parameter joins the input. */
function withLastEventId(
  input: unknown,
  headers: IncomingHttpHeaders,
  query: Record<string, string | undefined>,
): unknown {
  const header = headers['last-event-id'];
  const lastEventId = (Array.isArray(header) ? header[0] : header) ?? query.lastEventId ?? query['Last-Event-Id'];
  if (!lastEventId) return input;
  if (isRecord(input)) return { ...input, lastEventId };
  return input ?? { lastEventId };
}
