/**
 * Short-video thumbnails, from the API's public /media/thumbnails/<id>.svg, on the dashboard's own
 * origin (a video's `thumbnailUrl` is a path on the API's origin, which the browser does not talk to).
 * Public media: no token is added.
 */
import { env } from '@/env';
import { pickHeaders, unreachableReason } from '@/lib/proxy';

const THUMBNAIL_FILE = /^[0-9a-fA-F-]{36}\.svg$/;
/** The API's own policy comes along: SVG is markup, and these headers keep it from running anything. */
const RETURNED_RESPONSE_HEADERS = [
  'content-type',
  'cache-control',
  'content-security-policy',
  'x-content-type-options',
];

export async function GET(request: Request, { params }: RouteContext<'/media/thumbnails/[file]'>): Promise<Response> {
  const { file } = await params;
  if (!THUMBNAIL_FILE.test(file)) return new Response('No such thumbnail', { status: 404 });
  try {
    const upstream = await fetch(`${env.API_URL}/media/thumbnails/${file}`, {
      signal: request.signal,
      cache: 'no-store',
    });
    return new Response(upstream.body, {
      status: upstream.status,
      headers: pickHeaders(upstream.headers, RETURNED_RESPONSE_HEADERS),
    });
  } catch (error) {
    if (request.signal.aborted) return new Response(null, { status: 499 });
    console.error(`The OnAir API at ${env.API_URL} is not answering the thumbnail proxy: ${unreachableReason(error)}`);
    return new Response('The OnAir API is not answering', { status: 502 });
  }
}
