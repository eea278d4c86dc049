import { runViewersBench } from './index';

/** `pnpm --filter @onair/bench viewers`: the viewers section alone, markdown on stdout. */
process.stdout.write(await runViewersBench());
