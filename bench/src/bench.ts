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

const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const reports: string[] = [];
for (const section of sections) {
  if (only && !only.includes(section.name)) continue;
  reports.push(await section.run());
}
process.stdout.write(reports.join('\n'));
