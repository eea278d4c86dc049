import type { OnAir } from '@onair/api';
import type { FastifyPluginAsync } from 'fastify';

/**
 * Generated media: short-video thumbnails at `/media/thumbnails/<id>.svg`, the path a video's
 * `thumbnailUrl` holds (relative to this origin). SVG is markup, so it is served with a policy that
 * forbids scripts and remote content even though the generator escapes what it writes.
 */
export const media: FastifyPluginAsync<{ onair: OnAir }> = async (server, { onair }) => {
  server.get<{ Params: { file: string } }>('/media/thumbnails/:file', async (request, reply) => {
    const id = /^([0-9a-fA-F-]{36})\.svg$/.exec(request.params.file)?.[1];
    const svg = id ? await onair.shortVideo.thumbnails.read(id) : undefined;
    if (!svg) return reply.code(404).send({ error: 'No such thumbnail' });
    return reply
      .type('image/svg+xml')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(svg);
  });
};
