import type { MediaKind, OnAir } from '@onair/api';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

const routes: { path: string; kind: MediaKind; extension: string; missing: string }[] = [
  { path: '/media/clips/:file', kind: 'clip', extension: 'mp4', missing: 'No such clip' },
  { path: '/media/thumbnails/:file', kind: 'thumbnail', extension: 'jpg', missing: 'No such thumbnail' },
];

/**
 * Published media: a short video's clip at `/media/clips/<id>.mp4` and its poster at
 * `/media/thumbnails/<id>.jpg`, the paths `videoUrl` and `thumbnailUrl` hold (relative to this
 * origin). Players ask for byte ranges (206), and caches revalidate with the ETag: a retried video
 * is made again under the same name, so nothing is cached without asking.
 */
export const media: FastifyPluginAsync<{ onair: OnAir }> = async (server, { onair }) => {
  const store = onair.shortVideo.mediaStore;
  for (const route of routes) {
    const pattern = new RegExp(`^([0-9a-fA-F-]{36})\\.${route.extension}$`);
    const serve = async (request: FastifyRequest<{ Params: { file: string } }>, reply: FastifyReply) => {
      const id = pattern.exec(request.params.file)?.[1];
      const stored = id ? await store.stat(route.kind, id) : undefined;
      if (!id || !stored) return reply.code(404).send({ error: route.missing });
      const etag = `"${stored.size.toString(36)}-${stored.modifiedAt.getTime().toString(36)}"`;
      reply
        .type(stored.contentType)
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'public, no-cache')
        .header('etag', etag)
        .header('last-modified', stored.modifiedAt.toUTCString())
        .header('x-content-type-options', 'nosniff');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      const ifRange = request.headers['if-range'];
      const range = parseRange(
        request.headers.range,
        stored.size,
        typeof ifRange === 'string' ? ifRange : undefined,
        etag,
      );
      if (range === 'unsatisfiable') {
        return reply.code(416).header('content-range', `bytes */${stored.size}`).send();
      }
      const { start, end } = range ?? { start: 0, end: stored.size - 1 };
      if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${stored.size}`);
      reply.header('content-length', String(end - start + 1));
      if (request.method === 'HEAD' || stored.size === 0) return reply.send();
      return reply.send(store.read(route.kind, id, { start, end }));
    };
    server.get(route.path, serve);
  }
};

/**
 * One `bytes=` range (what players send), as inclusive offsets; undefined for the whole file (no
 * range, several ranges, a stale If-Range, or a header that is not a byte range).
 */
export function parseRange(
  header: string | undefined,
  size: number,
  ifRange: string | undefined,
  etag: string,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header || (ifRange !== undefined && ifRange !== etag)) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
