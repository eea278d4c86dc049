import { drawFigures } from './figures';

// `pnpm --filter @onair/bench plots`: redraws docs/scaling/*.svg from bench/results/*.json.
process.stdout.write(drawFigures());
