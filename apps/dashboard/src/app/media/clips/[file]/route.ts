/** Short-video clips, from the API's /media/clips/<id>.mp4, by byte ranges (see lib/media-proxy). */
import { proxyMedia } from '@/lib/media-proxy';

const CLIP_FILE = /^[0-9a-fA-F-]{36}\.mp4$/;

export async function GET(request: Request, { params }: RouteContext<'/media/clips/[file]'>): Promise<Response> {
  const { file } = await params;
  if (!CLIP_FILE.test(file)) return new Response('No such clip', { status: 404 });
  return proxyMedia(request, `/media/clips/${file}`, 'clip');
}

export const HEAD = GET;
