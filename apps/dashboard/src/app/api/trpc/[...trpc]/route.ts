/**
 * Why this proxy exists: the operator token must never reach the browser. It lives in an httpOnly
 * cookie that page scripts cannot read, and the browser only ever talks to the dashboard's own origin.
 * Here, on the dashboard server, every tRPC call (batched queries and mutations, and the Server-Sent
 * Events of subscriptions) is passed to the API with `Authorization: Bearer <token from the cookie>`.
 *
 * Bodies stream both ways: the upstream response body is handed on as it arrives, so subscription
 * events are never buffered (Next's compression is off for the same reason, see next.config.ts).
 */
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { apiTrpcUrl } from '@/env';
import { forwardToApi, isCrossOriginAction, pickHeaders } from '@/lib/proxy';
import { readOperatorToken } from '@/lib/session';

/** Procedure paths, batched ones included (`live.list,live.get`): nothing else may reach the API with the token. */
const PROCEDURE_PATH = /^\/api\/trpc\/([A-Za-z0-9_.,]+)$/;

/** Request headers that tRPC and EventSource rely on; everything else (cookies included) stays here. */
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type', 'last-event-id', 'trpc-accept'];

async function proxy(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const procedures = PROCEDURE_PATH.exec(url.pathname)?.[1];
  if (!procedures) return trpcError(404, 'NOT_FOUND', 'No such procedure');
  if (isCrossOriginAction(request)) {
    return trpcError(403, 'FORBIDDEN', 'Operator actions are only accepted from the dashboard itself');
  }

  const headers = pickHeaders(request.headers, FORWARDED_REQUEST_HEADERS);
  const token = await readOperatorToken();
  if (token) headers.set('authorization', `Bearer ${token}`);

  const upstream = await forwardToApi(
    request,
    `${apiTrpcUrl}/${procedures}${url.search}`,
    headers,
    'the dashboard proxy',
  );
  if (!upstream) return trpcError(502, 'BAD_GATEWAY', 'The OnAir API is not answering');

  const responseHeaders = new Headers();
  const contentType = upstream.headers.get('content-type');
  if (contentType) responseHeaders.set('content-type', contentType);
  if (contentType?.startsWith('text/event-stream') && upstream.body) {
    responseHeaders.set('cache-control', 'no-cache');
    // Tells nginx-style reverse proxies in front of the dashboard not to buffer the stream either.
    responseHeaders.set('x-accel-buffering', 'no');
    return new Response(endingCleanly(upstream.body), { status: upstream.status, headers: responseHeaders });
  }
  responseHeaders.set('cache-control', 'no-store');
  return new Response(upstream.body, { status: upstream.status, headers: responseHeaders });
}

/**
 * An event stream that ends normally when the API's connection breaks (a restart, a deploy), instead
 * of failing the response: EventSource then reconnects and resumes from its last event id, as it does
 * after any end. Chunks pass one by one, as they arrive.
 */
function endingCleanly(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream({
    async pull(controller) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }) as const);
      if (chunk.done) controller.close();
      else controller.enqueue(chunk.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** An error in tRPC's own shape, so the client reports it like any other. */
function trpcError(status: number, code: TRPC_ERROR_CODE_KEY, message: string): Response {
  return Response.json(
    {
      error: {
        message,
        code: TRPC_ERROR_CODES_BY_KEY[code],
        data: { code, httpStatus: status, path: null, issues: null },
      },
    },
    { status, headers: { 'cache-control': 'no-store' } },
  );
}

export { proxy as GET, proxy as POST };
