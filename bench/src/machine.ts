import { execFileSync } from 'node:child_process';
import os from 'node:os';

/**
 * The machine a bench ran on, as every report states it: the box is shared and small, so only the
 * ratios of one run carry to another, and a reader needs to know what the run competed with.
 */
export interface MachineFacts {
  /** When the report was made, to the second. */
  date: string;
  node: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  /** The 1, 5 and 15 minute load averages, two decimals each. */
  loadAverage: string;
}

export function machineFacts(): MachineFacts {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    node: process.version,
    cpu: cpus[0]?.model.trim() ?? '?',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(' '),
  };
}

/** The facts as one line of a report (date, Node, cores × CPU, load), then whatever the bench adds. */
export function machineLine(facts: MachineFacts, ...more: string[]): string {
  return [facts.date, `Node ${facts.node}`, `${facts.cores} × ${facts.cpu}`, `load ${facts.loadAverage}`, ...more].join(
    ', ',
  );
}

/** The checked-out commit, abbreviated; '?' where git cannot say. */
export function shortCommit(repoRoot: string): string {
  return git(repoRoot, 'rev-parse', '--short', 'HEAD') || '?';
}

/** What `git <args>` prints in the checkout, trimmed; '' where git fails (no git, not a checkout). */
export function git(repoRoot: string, ...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}
