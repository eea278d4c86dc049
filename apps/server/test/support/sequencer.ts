import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take a minute or more on a busy 2-core machine (real renders, further processes),
 * slowest first. Vitest starts the largest files first when it has recorded no durations (a fresh
 * clone, as in CI), and one of these started last outlasts the rest of the run on its own.
 */
const slowFiles = [
  'short-video.pipeline.test.ts',
  'short-video.clips.test.ts',
  'short-video.worker-kill.test.ts',
  'dev-script.test.ts',
  'client-package.test.ts',
  'viewers.realtime.test.ts',
  'short-video.recovery.test.ts',
  'short-video.retry.test.ts',
  // Short in CPU but long in waiting (a 10 s idle timeout, a Redis that never answers, a simulated
  // audience's seconds): started last, they had the machine to themselves for the final half-minute.
  'idle-lives.test.ts',
  'operations.test.ts',
  'simulator.test.ts',
];

const slowRank = (file: TestSpecification) => {
  const rank = slowFiles.findIndex((name) => file.moduleId.endsWith(`/${name}`));
  return rank === -1 ? slowFiles.length : rank;
};

/** Vitest's own order within each project, with the slow files moved ahead in the order above. */
export default class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const projects = [...new Set(sorted.map((file) => file.project.name))];
    return projects.flatMap((name) =>
      sorted
        .filter((file) => file.project.name === name)
        .map((file, index) => ({ file, index, rank: slowRank(file) }))
        .sort((a, b) => a.rank - b.rank || a.index - b.index)
        .map(({ file }) => file),
    );
  }
}
