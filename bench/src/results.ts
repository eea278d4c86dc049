import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/results: one markdown report per section (for people) and its figures as JSON (for the plots). */
export const resultsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../results');

/** The JSON beside a section's report: what `pnpm --filter @onair/bench plots` and docs/scaling.md read. */
export interface ResultsFile<T> {
  section: string;
  writtenAt: string;
  /** Only on a file written by hand from an older markdown report; a run of the bench replaces it. */
  transcribedFrom?: string;
  results: T;
}

const repoRoot = resolve(resultsDir, '../..');

/**
 * Writes bench/results/<section>.md and bench/results/<section>.json, from the same run, formatted
 * as the repository's formatter would (so a run's reports pass `pnpm lint` as they are).
 */
export function writeResults<T>(section: string, markdown: string, results: T): void {
  mkdirSync(resultsDir, { recursive: true });
  const files = [join(resultsDir, `${section}.md`), join(resultsDir, `${section}.json`)];
  writeFileSync(files[0] as string, markdown);
  const file: ResultsFile<T> = { section, writtenAt: new Date().toISOString(), results };
  writeFileSync(files[1] as string, `${JSON.stringify(file, null, 2)}\n`);
  execFileSync(join(repoRoot, 'node_modules/.bin/biome'), ['format', '--write', ...files], {
    cwd: repoRoot,
    stdio: 'ignore',
  });
}
