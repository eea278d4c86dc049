/** Short-video posters, from the API's /media/thumbnails/<id>.jpg (see lib/media-proxy). */
import { proxyMedia } from '@/lib/media-proxy';

const THUMBNAIL_FILE = /^[0-9a-fA-F-]{36}\.jpg$/;

export async function GET(request: Request, { params }: RouteContext<'/media/thumbnails/[file]'>): Promise<Response> {
  const { file } = await params;
  if (!THUMBNAIL_FILE.test(file)) return new Response('No such thumbnail', { status: 404 });
  return proxyMedia(request, `/media/thumbnails/${file}`, 'thumbnail');
}
