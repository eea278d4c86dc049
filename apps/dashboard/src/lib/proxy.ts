/**
 * What the dashboard's proxies to the API share. The operator token lives in an httpOnly cookie; the
 * browser only ever talks to the dashboard's origin, and these routes add the token server-side.
 */

/**
 * sameSite=lax keeps the cookie off cross-site requests, but a page on a sibling port or subdomain is
 * "same site": browsers say where a request comes from, and only this origin may act.
 */
export function isCrossOriginAction(request: Request): boolean {
  const fetchSite = request.headers.get('sec-fetch-site');
  return request.method !== 'GET' && request.method !== 'HEAD' && fetchSite !== null && fetchSite !== 'same-origin';
}

/** The named request headers, and nothing else (cookies stay here). */
export function pickHeaders(from: Headers, names: readonly string[]): Headers {
  const picked = new Headers();
  for (const name of names) {
    const value = from.get(name);
    if (value !== null) picked.set(name, value);
  }
  return picked;
}

/** Why fetch could not reach the API, in one line for the dashboard server's log. */
export function unreachableReason(error: unknown): string {
  return error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
}

/**
 * Sends a request on to the API: streamed body both ways, aborted with the browser's request, never
 * cached or redirected. `undefined` when the API cannot be reached (logged, for `what`), so each proxy
 * answers that in its own format; a request the browser gave up on is answered 499.
 */
export async function forwardToApi(
  request: Request,
  target: string,
  headers: Headers,
  what: string,
): Promise<Response | undefined> {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const init: RequestInit & { duplex: 'half' } = {
    method: request.method,
    headers,
    body: hasBody ? request.body : null,
    // Required by fetch to send a streamed request body.
    duplex: 'half',
    // A closed tab or an ended subscription ends the upstream request, and with it the API's work.
    signal: request.signal,
    cache: 'no-store',
    redirect: 'manual',
  };
  try {
    return await fetch(target, init);
  } catch (error) {
    if (request.signal.aborted) return new Response(null, { status: 499 });
    console.error(`The OnAir API at ${new URL(target).origin} is not answering ${what}: ${unreachableReason(error)}`);
    return undefined;
  }
}
