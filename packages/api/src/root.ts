import { demoRouter } from './demo/router';
import { liveRouter } from './live/router';
import { operatorRouter } from './operator/router';
import { queuesRouter } from './queues/router';
import { shortVideoRouter } from './short-video/router';
import { router } from './trpc';
import { viewerRouter } from './viewers/router';

export const appRouter = router({
  demo: demoRouter,
  live: liveRouter,
  operator: operatorRouter,
  queues: queuesRouter,
  shortVideo: shortVideoRouter,
  viewer: viewerRouter,
});

/** The whole API's type: clients and the dashboard import this and nothing else from the server. */
export type AppRouter = typeof appRouter;
