import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { OnAir } from '@onair/api';
import type { FastifyPluginAsync } from 'fastify';

/** Bull Board's path, on the API and behind the dashboard's proxy alike (its pages link to it absolutely). */
export const adminQueuesPath = '/admin/queues';

/**
 * Bull Board over every OnAir queue, behind the operator's credentials (`Authorization: Bearer`):
 * it shows job data and can retry, promote and delete jobs. The dashboard's proxy adds the header
 * from the operator's session, so a signed-in operator reaches it without typing the token again.
 */
export const adminQueues: FastifyPluginAsync<{ onair: OnAir }> = async (server, { onair }) => {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(adminQueuesPath);
  createBullBoard({
    queues: onair.queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'OnAir queues' } },
  });
  // An encapsulated scope: the hook guards Bull Board's pages, assets and API, and nothing else.
  await server.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      if (onair.isOperator(request.headers.authorization)) return;
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="OnAir operator"')
        .send({ error: 'Operator credentials required: Authorization: Bearer <token>' });
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: adminQueuesPath });
  });
};
