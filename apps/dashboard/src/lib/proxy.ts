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
