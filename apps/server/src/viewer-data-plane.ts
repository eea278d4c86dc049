import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import {
  type AppRouter,
  type Context,
  connectedFrame,
  nothingSeen,
  pingFrame,
  type StatsOrder,
  StatsStream,
  type StatsSubscriber,
  serializedErrorFrame,
} from '@onair/api';
import type { TRPCError } from '@trpc/server';
import type { FastifyHandlerOptions } from '@trpc/server/adapters/fastify';
import {
  type AnyProcedure,
  getErrorShape,
  getHTTPStatusCode,
  getTRPCErrorFromUnknown,
  isObject,
  type ProcedureType,
  sseHeaders,
  type TRPCRequestInfo,
  type TRPCResponse,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';
import type { FastifyReply, FastifyRequest } from 'fastify';

type TrpcOptions = FastifyHandlerOptions<AppRouter, FastifyRequest, FastifyReply>;

/** What tRPC sets on every answer of its HTTP handler, so caches keep JSON and JSONL apart. */
const varyHeader = { vary: 'trpc-accept, accept' } as const;

/** A mutation answered in one body is never aborted midway: one signal serves every request. */
const neverAborted = new AbortController().signal;

/** Query parameters of an SSE subscription that the plane reads as tRPC does; any other goes to tRPC. */
const subscriptionParams = new Set(['input', 'lastEventId', 'Last-Event-Id']);

/**
 * The viewers' data plane: the procedures that carry almost all traffic (every viewer heartbeats,
 * every change reaches every screen), called through tRPC's own call path — the procedure itself,
 * so its middleware chain, input parser and error formatter run as on any other request — with a
 * transport of its own in place of tRPC's per-request web-stream machinery:
 *
 * - hot mutations (`meta.dataPlane = 'mutation'`): the procedure's result or error written as one
 *   JSON body, the envelope built by tRPC's `transformTRPCResponse`, `getErrorShape` and
 *   `getHTTPStatusCode`;
 * - the hot subscription (`meta.dataPlane = 'fanout'`): the procedure returns a `StatsStream`; the
 *   SSE response joins the live's fan-out group, which serializes each update once and writes the
 *   same bytes to every subscriber.
 *
 * It owns only requests it answers exactly as tRPC would, and hands every other one to tRPC
 * untouched (`owns`): another content type, JSONL streaming, odd query strings, bodies that are
 * not JSON or not a batch object, unknown paths.
 */
export class ViewerDataPlane {
  private readonly mutations = new Map<string, AnyProcedure>();
  private readonly fanouts = new Map<string, AnyProcedure>();
  private readonly config: AppRouter['_def']['_config'];
  private readonly streams = new Set<ServerResponse>();
  private readonly pingTimer: NodeJS.Timeout;
  private readonly pingBytes = Buffer.from(pingFrame);

  constructor(private readonly trpc: TrpcOptions & { maxBatchSize: number }) {
    this.config = trpc.router._def._config;
    // Chosen from the router's metadata, and looked up by own keys only.
    for (const [path, procedure] of Object.entries(
      trpc.router._def.procedures as unknown as Record<string, AnyProcedure>,
    )) {
      const meta = procedure._def.meta as { dataPlane?: string } | undefined;
      if (meta?.dataPlane === 'mutation' && procedure._def.type === 'mutation') this.mutations.set(path, procedure);
      if (meta?.dataPlane === 'fanout' && procedure._def.type === 'subscription') this.fanouts.set(path, procedure);
    }
    // One timer for every stream instead of one per subscriber.
    const pingMs = this.config.sse?.ping?.intervalMs ?? 10_000;
    this.pingTimer = setInterval(() => {
      for (const stream of this.streams) stream.write(this.pingBytes);
    }, pingMs);
    this.pingTimer.unref();
  }

  /**
   * Serves the request if it is one the plane owns, else returns false and leaves it to tRPC.
   * `path` is the route's `:path`; the body, if any, is the raw text.
   */
  async serve(request: FastifyRequest, reply: FastifyReply, path: string): Promise<boolean> {
    const query = parseQuery(request.url);
    if (!query || asksForStreaming(request.headers)) return false;
    if (request.method === 'GET') {
      const procedure = this.fanouts.get(path);
      if (!procedure || ![...query.keys()].every((key) => subscriptionParams.has(key))) return false;
      const input = parseJson(query.get('input'));
      if (input === notJson) return false;
      await this.subscribe(request, reply, path, procedure, withLastEventId(input, request.headers, query));
      return true;
    }
    if (request.method !== 'POST' || !isJson(request.headers['content-type'])) return false;
    const batch = query.size === 1 && query.get('batch') === '1';
    if (query.size > 0 && !batch) return false;
    const paths = batch ? path.split(',') : [path];
    if (paths.length > this.trpc.maxBatchSize || !paths.every((part) => this.mutations.has(part))) return false;
    const body = parseJson(request.body);
    if (body === notJson || body === undefined || (batch && !isObject(body))) return false;
    await this.mutate(request, reply, paths, batch, body);
    return true;
  }

  private context(request: FastifyRequest, reply: FastifyReply): Promise<Context> {
    return Promise.resolve(this.trpc.createContext({ req: request, res: reply, info: undefined as never }));
  }

  private async mutate(
    request: FastifyRequest,
    reply: FastifyReply,
    paths: string[],
    batch: boolean,
    body: unknown,
  ): Promise<void> {
    const ctx = await this.context(request, reply);
    const errors: (TRPCError | undefined)[] = [];
    const deserialize = (input: unknown) => this.config.transformer.input.deserialize(input);
    const results = await Promise.all(
      paths.map(async (path, index): Promise<TRPCResponse> => {
        const input = batch ? (body as Record<number, unknown>)[index] : body;
        try {
          const procedure = this.mutations.get(path) as AnyProcedure;
          const data = await procedure({
            path,
            getRawInput: async () => (input === undefined ? undefined : deserialize(input)),
            ctx,
            type: 'mutation',
            signal: undefined,
            batchIndex: index,
          });
          return { result: { data } };
        } catch (cause) {
          const error = this.failed(cause, path, 'mutation', input, ctx, request);
          errors[index] = error;
          return { error: this.shape(error, path, 'mutation', input, ctx) };
        }
      }),
    );
    const json = batch ? results : (results[0] as TRPCResponse);
    const payload = JSON.stringify(transformTRPCResponse(this.config, json));
    const meta = this.responseMeta(ctx, body, paths, batch, results, errors);
    // Written directly, past Fastify's send path (it costs more than the rest of a join); the
    // headers set by the hooks (CORS) are carried over.
    reply.hijack();
    reply.raw.writeHead(meta.status ?? getHTTPStatusCode(json, errors as TRPCError[]), {
      ...(reply.getHeaders() as Record<string, string>),
      ...varyHeader,
      ...meta.headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    });
    reply.raw.end(payload);
  }

  /**
   * The server's `responseMeta` (e.g. a 429's Retry-After), called with the arguments tRPC's own
   * handler gives it (resolveResponse's initResponse), so both paths answer with the same headers.
   */
  private responseMeta(
    ctx: Context,
    body: unknown,
    paths: string[],
    batch: boolean,
    data: TRPCResponse[],
    errors: (TRPCError | undefined)[],
  ): { status?: number; headers: Record<string, string | string[]> } {
    const responseMeta = this.trpc.responseMeta;
    if (!responseMeta) return { headers: {} };
    const info: TRPCRequestInfo = {
      accept: null,
      type: 'mutation',
      isBatchCall: batch,
      calls: paths.map((path, index) => {
        const input = batch ? (body as Record<number, unknown>)[index] : body;
        return {
          path,
          procedure: this.mutations.get(path) ?? null,
          getRawInput: async () => input,
          result: () => input,
          batchIndex: index,
        };
      }),
      connectionParams: null,
      signal: neverAborted,
      url: null,
    };
    const meta = responseMeta({
      ctx,
      info,
      paths,
      data: data as Parameters<typeof responseMeta>[0]['data'],
      errors: errors.filter((error): error is TRPCError => Boolean(error)),
      eagerGeneration: false,
      type: 'mutation',
    });
    const headers: Record<string, string | string[]> = {};
    const given = meta?.headers;
    if (given instanceof Headers) for (const [key, value] of given.entries()) headers[key] = value;
    else if (given)
      for (const [key, value] of Object.entries(given)) if (value !== undefined) headers[key.toLowerCase()] = value;
    return { ...(meta?.status ? { status: meta.status } : {}), headers };
  }

  private async subscribe(
    request: FastifyRequest,
    reply: FastifyReply,
    path: string,
    procedure: AnyProcedure,
    input: unknown,
  ): Promise<void> {
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), ...varyHeader, ...sseHeaders });
    response.write(connectedFrame(this.config.sse?.client ?? {}));

    const closed = new AbortController();
    let release: (() => void) | undefined;
    response.on('close', () => {
      closed.abort();
      this.streams.delete(response);
      release?.();
    });
    const ctx = await this.context(request, reply).catch(() => undefined);
    try {
      const stream = await procedure({
        path,
        getRawInput: async () => input,
        ctx,
        type: 'subscription',
        signal: closed.signal,
        batchIndex: 0,
      });
      if (!(stream instanceof StatsStream)) throw new Error(`${path} is served by fan-out but returned no StatsStream`);
      release = await stream.deliverTo(new SseSubscriber(response));
    } catch (cause) {
      if (closed.signal.aborted) return;
      const error = this.failed(cause, path, 'subscription', input, ctx, request);
      response.end(serializedErrorFrame(this.shape(error, path, 'subscription', input, ctx)));
      return;
    }
    if (closed.signal.aborted) release();
    else this.streams.add(response);
  }

  /** As tRPC's handler does with a failed call: one TRPCError, reported to `onError`. */
  private failed(
    cause: unknown,
    path: string,
    type: ProcedureType,
    input: unknown,
    ctx: Context | undefined,
    request: FastifyRequest,
  ): TRPCError {
    const error = getTRPCErrorFromUnknown(cause);
    this.trpc.onError?.({ error, path, input, ctx, type, req: request as never });
    return error;
  }

  private shape(error: TRPCError, path: string, type: ProcedureType, input: unknown, ctx: Context | undefined) {
    return getErrorShape({ config: this.config, error, type, path, input, ctx });
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
  lastSent: StatsOrder = nothingSeen;
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

/** The query string, or undefined when a parameter is repeated (tRPC would read the first only). */
function parseQuery(url: string): Map<string, string> | undefined {
  const at = url.indexOf('?');
  const params = new URLSearchParams(at === -1 ? '' : url.slice(at + 1));
  const query = new Map<string, string>();
  for (const [key, value] of params) {
    if (query.has(key)) return undefined;
    query.set(key, value);
  }
  return query;
}

/** As tRPC matches it: media types are case-insensitive and may carry parameters. */
function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}

/** tRPC's JSONL streaming (`httpBatchStreamLink`), asked by `trpc-accept` or `accept`: tRPC's to answer. */
function asksForStreaming(headers: IncomingHttpHeaders): boolean {
  return headers['trpc-accept'] !== undefined || (headers.accept?.includes('application/jsonl') ?? false);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const notJson = Symbol('not JSON');

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return notJson;
  }
}

/** As tRPC does: the Last-Event-ID header (an EventSource reconnecting) or query parameter joins the input. */
function withLastEventId(input: unknown, headers: IncomingHttpHeaders, query: Map<string, string>): unknown {
  const lastEventId = header(headers, 'last-event-id') ?? query.get('lastEventId') ?? query.get('Last-Event-Id');
  if (!lastEventId) return input;
  if (isObject(input)) return { ...input, lastEventId };
  return input ?? { lastEventId };
}
