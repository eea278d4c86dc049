/**
 * Published media (clips, posters) from the API's public /media paths, on the dashboard's own
 * origin: a video's `videoUrl` and `thumbnailUrl` are paths on the API's origin, which the browser
 * does not talk to. Public media: no token is added. Range requests pass through, so players seek
 * and the API's 206 answers come back whole.
 */
import { env } from '@/env';
import { pickHeaders, unreachableReason } from '@/lib/proxy';

const FORWARDED_REQUEST_HEADERS = ['range', 'if-range', 'if-none-match', 'if-modified-since'];
const RETURNED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'content-range',
  'accept-ranges',
  'cache-control',
  'etag',
  'last-modified',
  'x-content-type-options',
];

export async function proxyMedia(request: Request, path: string, what: string): Promise<Response> {
  try {
    const upstream = await fetch(`${env.API_URL}${path}`, {
      method: request.method === 'HEAD' ? 'HEAD' : 'GET',
      headers: pickHeaders(request.headers, FORWARDED_REQUEST_HEADERS),
      signal: request.signal,
      cache: 'no-store',
      redirect: 'manual',
    });
    return new Response(upstream.body, {
      status: upstream.status,
      headers: pickHeaders(upstream.headers, RETURNED_RESPONSE_HEADERS),
    });
  } catch (error) {
    if (request.signal.aborted) return new Response(null, { status: 499 });
    console.error(`The OnAir API at ${env.API_URL} is not answering the ${what} proxy: ${unreachableReason(error)}`);
    return new Response('The OnAir API is not answering', { status: 502 });
  }
}
