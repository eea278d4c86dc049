/**
 * Bull Board, through the dashboard: the API serves it at /admin/queues behind the operator's
 * credentials, and its pages, assets and API calls all stay under that path, so the dashboard serves
 * the same path and adds `Authorization: Bearer <token from the cookie>` to each request. A signed-in
 * operator opens it without typing the token again, and the token still never reaches the browser.
 */
import { env } from '@/env';
import { withinDeployment } from '@/lib/bull-board-page';
import { forwardToApi, isCrossOriginAction, pickHeaders } from '@/lib/proxy';
import { readOperatorToken } from '@/lib/session';

const BOARD_PATH = '/admin/queues';

/** What Bull Board's pages and API calls need; cookies and the rest stay here. */
const FORWARDED_REQUEST_HEADERS = ['accept', 'accept-language', 'content-type', 'if-none-match'];
const RETURNED_RESPONSE_HEADERS = ['content-type', 'cache-control', 'etag', 'last-modified'];

async function proxy(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const wantsPage = request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html');
  if (isCrossOriginAction(request)) {
    return Response.json({ error: 'Queue actions are only accepted from the dashboard itself' }, { status: 403 });
  }
  const token = await readOperatorToken();
  if (!token) {
    return wantsPage
      ? Response.redirect(new URL('/sign-in', url), 303)
      : Response.json({ error: 'Sign in to the dashboard first' }, { status: 401 });
  }

  const headers = pickHeaders(request.headers, FORWARDED_REQUEST_HEADERS);
  headers.set('authorization', `Bearer ${token}`);
  const upstream = await forwardToApi(
    request,
    `${env.API_URL}${url.pathname}${url.search}`,
    headers,
    'the Bull Board proxy',
  );
  if (!upstream) {
    return new Response('The OnAir API is not answering. Try again in a moment.', {
      status: 502,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }

  // The token was refused (revoked, or rotated on the API): the operator signs in again.
  if (upstream.status === 401 && wantsPage) {
    await upstream.body?.cancel();
    return Response.redirect(new URL('/sign-in?expired=1', url), 303);
  }
  const responseHeaders = pickHeaders(upstream.headers, RETURNED_RESPONSE_HEADERS);
  const location = upstream.headers.get('location');
  if (location) {
    // Redirects stay on the dashboard's origin, whatever address the API gave.
    const target = new URL(location, `${env.API_URL}${BOARD_PATH}`);
    responseHeaders.set('location', `${target.pathname}${target.search}`);
  }
  if (upstream.ok && (upstream.headers.get('content-type') ?? '').startsWith('text/html')) {
    // The page is rewritten, so its length and validators are no longer the API's.
    responseHeaders.delete('etag');
    responseHeaders.delete('last-modified');
    return new Response(withinDeployment(await upstream.text()), { status: upstream.status, headers: responseHeaders });
  }
  return new Response(upstream.body, { status: upstream.status, headers: responseHeaders });
}

export { proxy as DELETE, proxy as GET, proxy as PATCH, proxy as POST, proxy as PUT };
