import { existsSync } from 'node:fs';
import { runViewersBench } from './viewers/index';

/**
 * `pnpm bench`: every benchmark section found in this package, one after the other (they share the
 * machine's two cores, so never at once), their markdown on stdout.
 */
type Section = { name: string; run: () => Promise<string> };

const sections: Section[] = [{ name: 'viewers', run: () => runViewersBench() }];

// The short-video pipeline bench, when present (src/pipeline.ts exporting runPipelineBench).
const pipeline = new URL('./pipeline.ts', import.meta.url);
if (existsSync(pipeline)) {
  const module: unknown = await import(pipeline.href);
  const run = typeof module === 'object' && module !== null ? Reflect.get(module, 'runPipelineBench') : undefined;
  if (typeof run === 'function') sections.push({ name: 'pipeline', run: async () => String(await run()) });
  else process.stderr.write('src/pipeline.ts exports no runPipelineBench: skipped\n');
}

// The render stage against the same ffmpeg command alone (issue 11).
sections.push({ name: 'render', run: async () => (await import('./render')).runRenderBench() });

// One live of 100,000 viewers on a local Redis Cluster, sharded presence against one shard (issue 10).
sections.push({ name: 'mega-live', run: async () => (await import('./mega-live')).runMegaLiveBench() });

const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
let failed = 0;
for (const section of sections) {
  if (only && !only.includes(section.name)) continue;
  // Each section prints as soon as it is done; one that fails does not lose the others.
  try {
    process.stdout.write(`${await section.run()}\n`);
  } catch (error) {
    failed++;
    process.stderr.write(
      `${section.name} bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
}
// The figures of docs/scaling.md, redrawn from the results just written (and the capacity model).
if (process.env.BENCH_WRITE !== '0') {
  const { drawFigures } = await import('./plots/figures');
  process.stdout.write(`## Capacity model (docs/scaling.md)\n\n${drawFigures()}\n`);
}
process.exit(failed > 0 ? 1 : 0);
